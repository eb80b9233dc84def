package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.baselines.SlowMicroAdam;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link MicroAdam} against {@link SlowMicroAdam}, written from Algorithm 1: the same float32
 * operations in the same order (error, top-k, window sums newest first, update), so weights and the
 * dequantized error agree bit for bit after every step, past the point where the window wraps.
 */
class MicroAdamProperties {

    @Property(tries = 40, seed = "9001")
    void fastEqualsSlowBitForBit(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int count = 1 + r.nextInt(3);
        double density = switch (r.nextInt(4)) {
            case 0 -> 0.01;
            case 1 -> 0.1;
            case 2 -> 1.0;
            default -> r.nextDouble() * 0.3 + 1e-4;
        };
        int window = 1 + r.nextInt(4);
        List<Parameter> params = new ArrayList<>();
        List<float[]> slowWeights = new ArrayList<>();
        List<SlowMicroAdam> slow = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = r.nextBoolean() ? Gen.awkwardLength(r, 5000) : 4096 + r.nextInt(9000);
            float[] w = Gen.weights(r, n, 0.05f, 0.05);
            slowWeights.add(w.clone());
            params.add(Parameter.of("p" + i, w, n));
            slow.add(new SlowMicroAdam(n, density, window));
        }
        double lr = r.nextBoolean() ? 1e-3 : 0.05;
        double wd = r.nextBoolean() ? 0 : 0.01;
        double beta1 = r.nextBoolean() ? 0.9 : 0.5;
        double beta2 = r.nextBoolean() ? 0.999 : 0.95;
        int steps = 1 + r.nextInt(2 * window + 2);
        try (MicroAdam fast = MicroAdam.builder().lr(lr).betas(beta1, beta2).weightDecay(wd).density(density)
                .window(window).build(params)) {
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < count; i++) {
                    float[] g = Gen.gradients(r, params.get(i).size(), 0.01f, 0.05);
                    System.arraycopy(g, 0, params.get(i).grad(), 0, g.length);
                    slow.get(i).step(slowWeights.get(i), g, lr, beta1, beta2, 1e-8, wd, t + 1);
                }
                fast.step();
                for (int i = 0; i < count; i++) {
                    String what = "seed " + seed + " density " + density + " window " + window + " step " + t + " '"
                            + params.get(i).name() + "' ";
                    Compare.exact(what + "w", slowWeights.get(i), params.get(i).data());
                    Compare.exact(what + "error", slow.get(i).error(), fast.error(params.get(i)));
                }
            }
            assertEquals(steps, fast.steps());
        }
    }

    /** Top-k with the heap equals sorting by (key descending, index ascending). */
    @Property(tries = 200, seed = "9002")
    void topKIsTheLargestMagnitudes(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = Gen.awkwardLength(r, 4096);
        float[] a = Gen.weights(r, n, 1f, 0.3);
        if (r.nextInt(4) == 0) {
            a[r.nextInt(n)] = Float.NaN;
        }
        int k = 1 + r.nextInt(n);
        int[] heap = new int[n];
        MicroAdam.topK(a, n, k, heap);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator
                .comparingInt((Integer p) -> dev.nanoadam.spi.SpecMath.magnitudeKey(a[p])).reversed()
                .thenComparingInt(p -> p));
        int[] expected = new int[k];
        for (int i = 0; i < k; i++) {
            expected[i] = order[i];
        }
        int[] actual = java.util.Arrays.copyOf(heap, k);
        java.util.Arrays.sort(expected);
        java.util.Arrays.sort(actual);
        Compare.exact("seed " + seed + " n=" + n + " k=" + k, expected, actual);
    }
}
