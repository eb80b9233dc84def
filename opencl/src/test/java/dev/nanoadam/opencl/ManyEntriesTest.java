package dev.nanoadam.opencl;

import dev.nanoadam.AdamW;
import dev.nanoadam.Moments;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import dev.nanoadam.testing.Lockstep;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tensors large enough that the host's copies are split over several workers: a SPARSE tensor
 * with about 270,000 mask entries (gathers and scatters of the masked gradients and weights, each
 * worker with its own block of widened indices) and a DENSE one of a million entries (plain
 * copies in pieces). Bit-identical to cpu-scalar after every step, with the gradients copied by
 * the check (ERROR) and by the update itself (NONE).
 */
class ManyEntriesTest {
    private static final int N = (1 << 20) + 4097;

    @BeforeAll
    static void device() {
        OpenClTesting.assumeDevice();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = NonFinitePolicy.class, names = {"ERROR", "NONE"})
    void masksSpreadOverWorkersAgree(NonFinitePolicy policy) {
        long seed = 1_048_576L + policy.ordinal();
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = Gen.weights(r, N, 0.02f, 0.3);
        Parameter a = Parameter.of("layer.weight", w.clone(), N);
        Parameter b = Parameter.of("layer.weight", w.clone(), N);
        NanoAdam.Builder builder = NanoAdam.builder().chunkSize(4096).density(0.25).maskInterval(2)
                .nonFinite(policy).stateType(StateType.FP32).lr(1e-3).seed(seed);
        try (NanoAdam x = builder.backend("cpu-scalar").build(List.of(a), List.of());
             NanoAdam y = builder.backend("opencl").build(List.of(b), List.of())) {
            for (int t = 0; t < 3; t++) {
                sameGradients(seed, t, a, b);
                x.step();
                y.step();
                Lockstep.assertSameState("n=" + N + ", " + policy + ", after step " + t + ": ", x, y, List.of(a),
                        List.of(b));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = NonFinitePolicy.class, names = {"ERROR", "NONE"})
    void denseCopiesSpreadOverWorkersAgree(NonFinitePolicy policy) {
        long seed = 2_097_152L + policy.ordinal();
        float[] w = Gen.weights(new SplittableRandom(seed), N, 0.02f, 0.3);
        Parameter a = Parameter.of("classifier.weight", w.clone(), N);
        Parameter b = Parameter.of("classifier.weight", w.clone(), N);
        AdamW.Builder builder = AdamW.builder().nonFinite(policy).lr(1e-3).weightDecay(0.01);
        try (AdamW x = builder.backend("cpu-scalar").build(List.of(a));
             AdamW y = builder.backend("opencl").build(List.of(b))) {
            for (int t = 0; t < 3; t++) {
                sameGradients(seed, t, a, b);
                x.step();
                y.step();
                String where = "AdamW n=" + N + ", " + policy + ", after step " + t + ": ";
                Compare.exact(where + "weights", a.data(), b.data());
                Moments mx = x.moments(a);
                Moments my = y.moments(b);
                Compare.exact(where + "m", mx.m(), my.m());
                Compare.exact(where + "v", mx.v(), my.v());
            }
        }
    }

    /** The same fresh gradients for step {@code t} in both copies of the tensor. */
    private static void sameGradients(long seed, int t, Parameter a, Parameter b) {
        float[] g = Gen.gradients(new SplittableRandom(seed * 31 + t), N, 0.01f, 0.2);
        System.arraycopy(g, 0, a.grad(), 0, N);
        System.arraycopy(g, 0, b.grad(), 0, N);
    }
}
