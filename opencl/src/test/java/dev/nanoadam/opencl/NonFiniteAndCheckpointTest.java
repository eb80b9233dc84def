package dev.nanoadam.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFiniteGradientException;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.testing.Gen;
import dev.nanoadam.testing.Lockstep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SPEC.md §7 and §8 against cpu-scalar: the same first bad gradient (under the current mask, and
 * under the pending one at a refresh), nothing changed after a refused step, the same skips; and a
 * checkpoint written by the opencl backend resumes bit-identically.
 */
class NonFiniteAndCheckpointTest {

    @BeforeAll
    static void device() {
        OpenClTesting.assumeDevice();
    }

    private static final int[] SPARSE = {5000, 3, 1400};
    private static final int[] DENSE = {40};

    private static List<List<Parameter>> parameters(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Parameter> s = new ArrayList<>();
        for (int i = 0; i < SPARSE.length; i++) {
            s.add(Parameter.of("s" + i, Gen.weights(r, SPARSE[i], 0.02f, 0.2), SPARSE[i]));
        }
        List<Parameter> d = new ArrayList<>();
        for (int i = 0; i < DENSE.length; i++) {
            d.add(Parameter.of("norm" + i, Gen.weights(r, DENSE[i], 1f, 0.1), DENSE[i]));
        }
        return List.of(s, d);
    }

    private static List<Parameter> all(List<List<Parameter>> groups) {
        List<Parameter> a = new ArrayList<>(groups.get(0));
        a.addAll(groups.get(1));
        return a;
    }

    private static void gradients(List<Parameter> all, long seed, int t) {
        SplittableRandom r = new SplittableRandom(seed * 131 + t);
        for (Parameter p : all) {
            System.arraycopy(Gen.gradients(r, p.size(), 0.01f, 0.2), 0, p.grad(), 0, p.size());
        }
    }

    /** Poisons step t's gradients in a way that depends on t; returns what was done, for messages. */
    private static String poison(NanoAdam opt, List<Parameter> all, int t) {
        Parameter s0 = all.get(0);
        switch (t % 6) {
            case 1 -> {   // two bad values inside the current mask: the lower flat index is named
                int[] mask = opt.mask(s0);
                s0.grad()[mask[mask.length - 3]] = Float.POSITIVE_INFINITY;
                s0.grad()[mask[mask.length / 2]] = Float.NaN;
                return "NaN and Inf in s0's mask";
            }
            case 2 -> {   // outside every mask entry: not read, so not an error
                int[] mask = opt.mask(s0);
                int outside = 0;
                for (int m : mask) {
                    if (m == outside) {
                        outside++;
                    }
                }
                s0.grad()[outside] = Float.NaN;
                return "NaN outside s0's mask at " + outside;
            }
            case 3 -> {   // a refresh: s1 has 3 entries, all bad, whatever the pending mask holds
                all.get(1).grad()[0] = Float.NaN;
                all.get(1).grad()[1] = Float.NEGATIVE_INFINITY;
                all.get(1).grad()[2] = Float.NaN;
                return "s1 all bad at a refresh";
            }
            case 4 -> {
                all.get(SPARSE.length).grad()[17] = Float.NEGATIVE_INFINITY;
                return "Inf in the dense parameter";
            }
            default -> {
                return "clean";
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = NonFinitePolicy.class, names = {"ERROR", "SKIP", "NONE"})
    void sameFirstBadGradientAndNothingChanged(NonFinitePolicy policy) {
        long seed = 77 + policy.ordinal();
        List<List<Parameter>> a = parameters(seed);
        List<List<Parameter>> b = parameters(seed);
        List<Parameter> allA = all(a);
        List<Parameter> allB = all(b);
        NanoAdam.Builder builder = NanoAdam.builder().nonFinite(policy).chunkSize(700).density(0.05).maskInterval(3)
                .criterion(Criterion.SMALLEST_MAGNITUDE).momentPolicy(MomentPolicy.CARRY).weightDecay(0.01);
        try (NanoAdam x = builder.backend("cpu-scalar").build(a.get(0), a.get(1));
             NanoAdam y = builder.backend("opencl").build(b.get(0), b.get(1))) {
            for (int t = 0; t < 14; t++) {
                gradients(allA, seed, t);
                gradients(allB, seed, t);
                String what = poison(x, allA, t);
                poison(y, allB, t);
                String ex = attempt(x);
                String ey = attempt(y);
                String where = policy + ", attempt " + t + " (" + what + "): ";
                assertEquals(ex, ey, where + "outcome");
                Lockstep.assertSameState(where, x, y, allA, allB);
                assertEquals(x.skippedSteps(), y.skippedSteps(), where + "skipped steps");
            }
        }
    }

    private static String attempt(NanoAdam opt) {
        try {
            opt.step();
            return "stepped to t=" + opt.steps();
        } catch (NonFiniteGradientException e) {
            return e.getMessage();
        }
    }

    @Test
    void checkpointFromOpenClResumesBitIdentically(@TempDir Path dir) throws IOException {
        long seed = 808;
        List<List<Parameter>> a = parameters(seed);
        List<List<Parameter>> b = parameters(seed);
        List<Parameter> allA = all(a);
        List<Parameter> allB = all(b);
        NanoAdam.Builder builder = NanoAdam.builder().chunkSize(512).density(0.1).maskInterval(4)
                .stateType(StateType.BF16).momentPolicy(MomentPolicy.RESET).criterion(Criterion.RANDOM).seed(seed);
        Path file = dir.resolve("opencl.ckpt");
        try (NanoAdam x = builder.backend("cpu-scalar").build(a.get(0), a.get(1))) {
            try (NanoAdam y = builder.backend("opencl").build(b.get(0), b.get(1))) {
                for (int t = 0; t < 5; t++) {
                    gradients(allA, seed, t);
                    gradients(allB, seed, t);
                    x.step();
                    y.step();
                }
                y.save(file);
            }
            // A fresh opencl optimizer over the same weights takes the checkpoint and goes on.
            try (NanoAdam z = builder.backend("opencl").density(0.3).build(b.get(0), b.get(1))) {
                z.load(file);
                Lockstep.assertSameState("after load: ", x, z, allA, allB);
                for (int t = 5; t < 10; t++) {
                    gradients(allA, seed, t);
                    gradients(allB, seed, t);
                    x.step();
                    z.step();
                    Lockstep.assertSameState("resumed, after step " + t + ": ", x, z, allA, allB);
                }
            }
        }
    }
}
