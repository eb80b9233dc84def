package dev.nanoadam.bench;

import dev.nanoadam.AdamW;
import dev.nanoadam.AdamW8bit;
import dev.nanoadam.GaLore;
import dev.nanoadam.MicroAdam;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One optimizer step of each baseline on one BERT-base feed-forward matrix (768 x 3072, 2.36 M
 * weights), beside AdamW and NanoAdam: what each costs per step on the {@code cpu} backend.
 * {@code galore-svd} refreshes GaLore's projector every step ({@code updateGap 1}), so the
 * difference to {@code galore} (no refresh inside the timed steps) is the cost of the SVD of a
 * 768 x 3072 gradient (EJML, double), paid once every {@code updateGap} steps (200 by default).
 *
 * <p>Validated once before timing: a step changes the weights, keeps them finite, and the reported
 * state bytes equal the allocated ones.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BaselineStepBench {
    @Param({"adamw", "nanoadam", "adamw8bit", "microadam", "galore", "galore-svd"})
    public String optimizer;

    @Param({"256"})
    public int rank;

    private Optimizer opt;
    private Parameter weight;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(1);
        float[] w = new float[768 * 3072];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextDouble() - 0.5) * 0.1f;
        }
        weight = Parameter.of("encoder.layer.0.intermediate.dense.weight", w, 3072, 768);
        float[] g = weight.grad();
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) (r.nextDouble() - 0.5) * 0.01f;
        }
        List<Parameter> ps = List.of(weight);
        opt = switch (optimizer) {
            case "adamw" -> AdamW.builder().build(ps);
            case "nanoadam" -> NanoAdam.builder().build(ps, List.of());
            case "adamw8bit" -> AdamW8bit.builder().build(ps);
            case "microadam" -> MicroAdam.builder().build(ps);
            case "galore" -> GaLore.builder().rank(rank).updateGap(1 << 30).build(ps);
            case "galore-svd" -> GaLore.builder().rank(rank).updateGap(1).build(ps);
            default -> throw new IllegalArgumentException("optimizer " + optimizer);
        };
        float[] before = w.clone();
        opt.step();
        int changed = 0;
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new IllegalStateException(optimizer + ": weight " + i + " is " + w[i] + " after one step");
            }
            changed += w[i] != before[i] ? 1 : 0;
        }
        if (changed == 0) {
            throw new IllegalStateException(optimizer + ": one step changed no weight");
        }
        long allocated = switch (opt) {
            case AdamW a -> a.allocatedStateBytes();
            case NanoAdam a -> a.allocatedStateBytes();
            case AdamW8bit a -> a.allocatedStateBytes();
            case MicroAdam a -> a.allocatedStateBytes();
            case GaLore a -> a.allocatedStateBytes();
            default -> throw new IllegalStateException();
        };
        if (allocated != opt.stateBytes()) {
            throw new IllegalStateException(optimizer + ": stateBytes " + opt.stateBytes() + " but allocated "
                    + allocated);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        opt.close();
    }

    @Benchmark
    public float step() {
        opt.step();
        return weight.data()[0];
    }
}
