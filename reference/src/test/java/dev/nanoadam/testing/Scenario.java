package dev.nanoadam.testing;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded optimizer configuration and training run, reproducible from its seed: parameter sizes,
 * chunk size, density schedule, mask interval, gradients per step, and occasional writes to the
 * weights between steps. Used to run two backends in lock step.
 */
public final class Scenario {
    public final long seed;
    public final Criterion criterion;
    public final MomentPolicy policy;
    public final StateType stateType;
    public final int[] sparseSizes;
    public final int[] denseSizes;
    public final int chunk;
    public final double density;
    public final double finalDensity;
    public final int maskInterval;
    public final int densityInterval;
    public final int steps;
    public final double weightDecay;
    public final double lr;

    public Scenario(long seed, Criterion criterion, MomentPolicy policy, StateType stateType, int maxSize) {
        this.seed = seed;
        this.criterion = criterion;
        this.policy = policy;
        this.stateType = stateType;
        SplittableRandom r = new SplittableRandom(seed);
        int[] chunks = {1, 2, 7, 16, 100, 1000, 4096, 65536};
        chunk = r.nextInt(4) == 0 ? 1 + r.nextInt(9000) : chunks[r.nextInt(chunks.length)];
        int nSparse = 1 + r.nextInt(3);
        sparseSizes = new int[nSparse];
        for (int i = 0; i < nSparse; i++) {
            sparseSizes[i] = r.nextInt(20) == 0 ? 0 : Gen.awkwardLength(r, chunk == 1 ? Math.min(maxSize, 3000) : maxSize);
        }
        denseSizes = new int[r.nextInt(3)];
        for (int i = 0; i < denseSizes.length; i++) {
            denseSizes[i] = Gen.awkwardLength(r, 300);
        }
        double[] densities = {1e-4, 0.01, 0.07, 0.1, 1.0 / 3, 0.5, 0.999, 1.0};
        density = r.nextInt(4) == 0 ? 0.001 + r.nextDouble() * 0.999 : densities[r.nextInt(densities.length)];
        boolean schedule = r.nextBoolean();
        finalDensity = schedule ? densities[r.nextInt(densities.length)] : density;
        densityInterval = schedule ? 1 + r.nextInt(3) : 0;
        int[] intervals = {1, 1, 2, 3, 100};
        maskInterval = intervals[r.nextInt(intervals.length)];
        steps = 3 + r.nextInt(6);
        weightDecay = r.nextBoolean() ? 0 : 0.01 + r.nextDouble() * 0.1;
        lr = Math.pow(10, -1 - 3 * r.nextDouble());
    }

    public NanoAdam.Builder builder(String backend) {
        NanoAdam.Builder b = NanoAdam.builder().backend(backend).criterion(criterion).momentPolicy(policy)
                .stateType(stateType).chunkSize(chunk).density(density).maskInterval(maskInterval)
                .weightDecay(weightDecay).lr(lr).seed(seed).nonFinite(NonFinitePolicy.ERROR);
        if (densityInterval > 0) {
            b.finalDensity(finalDensity).densityInterval(densityInterval).totalSteps(steps);
        }
        return b;
    }

    /** Fresh parameters with the scenario's seeded initial weights. */
    public List<List<Parameter>> parameters() {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5EED);
        List<Parameter> s = new ArrayList<>();
        for (int i = 0; i < sparseSizes.length; i++) {
            s.add(Parameter.of("layer" + i + ".weight", Gen.weights(r, sparseSizes[i], 0.02f, 0.2), sparseSizes[i]));
        }
        List<Parameter> d = new ArrayList<>();
        for (int i = 0; i < denseSizes.length; i++) {
            d.add(Parameter.of("norm" + i + ".weight", Gen.weights(r, denseSizes[i], 1f, 0.1), denseSizes[i]));
        }
        return List.of(s, d);
    }

    /** Fills the gradients of step {@code t} (the same on every run of this scenario). */
    public void fillGradients(List<Parameter> all, int t) {
        SplittableRandom r = new SplittableRandom(seed * 31 + t);
        for (Parameter p : all) {
            float[] g = Gen.gradients(r, p.size(), 0.01f, 0.2);
            System.arraycopy(g, 0, p.grad(), 0, g.length);
        }
    }

    /** Between some steps the caller writes a few weights (SPEC.md §1: every backend must see them). */
    public void touchWeights(List<Parameter> all, int t) {
        SplittableRandom r = new SplittableRandom(seed * 17 + t);
        if (r.nextInt(3) != 0) {
            return;
        }
        for (Parameter p : all) {
            for (int i = 0; i < Math.min(5, p.size()); i++) {
                p.data()[r.nextInt(p.size())] = (float) Gen.gaussian(r) * 1e-4f;
            }
        }
    }

    @Override
    public String toString() {
        return "Scenario[seed=" + seed + ", " + criterion + ", " + policy + ", " + stateType + ", sparse="
                + java.util.Arrays.toString(sparseSizes) + ", dense=" + java.util.Arrays.toString(denseSizes)
                + ", chunk=" + chunk + ", density=" + density + (densityInterval > 0 ? "->" + finalDensity
                + " every " + densityInterval : "") + ", maskInterval=" + maskInterval + ", steps=" + steps
                + ", wd=" + weightDecay + ", lr=" + lr + "]";
    }
}
