package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.baselines.SlowAdamW8bit;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * {@link AdamW8bit} against {@link SlowAdamW8bit}, written from the paper: the same float32 operations
 * in the same order, so weights and dequantized moments agree bit for bit after every step.
 */
class AdamW8bitProperties {

    @Test
    void theMapsAreBitsandbytesDynamicMaps() {
        Compare.exact("signed map", SlowAdamW8bit.SIGNED, DynamicMap.SIGNED);
        Compare.exact("unsigned map", SlowAdamW8bit.UNSIGNED, DynamicMap.UNSIGNED);
        assertTrue(DynamicMap.SIGNED[0] < -0.99f && DynamicMap.SIGNED[0] > -1f, "signed map's lowest value");
        assertEquals(1f, DynamicMap.SIGNED[255]);
        assertEquals(0f, DynamicMap.UNSIGNED[0]);
        assertEquals(1f, DynamicMap.UNSIGNED[255]);
        for (float[] map : List.of(DynamicMap.SIGNED, DynamicMap.UNSIGNED)) {
            for (int i = 1; i < 256; i++) {
                assertTrue(map[i - 1] < map[i], "strictly ascending at " + i);
            }
        }
        // the smallest non-zero magnitude is 1e-6 times the first midpoint, 0.55 (signed) / 0.325 (unsigned)
        assertEquals((float) (0.55e-6), DynamicMap.SIGNED[DynamicMap.SIGNED_ZERO + 1]);
        assertEquals((float) (0.325e-6), DynamicMap.UNSIGNED[DynamicMap.UNSIGNED_ZERO + 1]);
    }

    /** Binary search with one distance comparison equals the linear scan for the nearest code. */
    @Property(tries = 200, seed = "8001")
    void quantizeIsTheNearestCode(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (float[] map : List.of(DynamicMap.SIGNED, DynamicMap.UNSIGNED)) {
            for (int i = 0; i < 2000; i++) {
                float x = switch (r.nextInt(4)) {
                    case 0 -> map[r.nextInt(256)];                                   // exactly a code
                    case 1 -> (map[r.nextInt(255)] + map[r.nextInt(255) + 1]) / 2;  // near a midpoint
                    case 2 -> (float) (r.nextDouble() * 2 - 1) * (float) Math.pow(10, -r.nextInt(8));
                    default -> Math.nextUp(map[r.nextInt(255)]);
                };
                x = Math.max(map[0], Math.min(1f, x));
                int expected = SlowAdamW8bit.nearest(map, x);
                assertEquals(expected, DynamicMap.quantize(map, x), "seed " + seed + " x=" + Compare.show(x));
            }
        }
    }

    @Property(tries = 40, seed = "8002")
    void fastEqualsSlowBitForBit(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int count = 1 + r.nextInt(3);
        List<Parameter> params = new ArrayList<>();
        List<float[]> slowWeights = new ArrayList<>();
        List<SlowAdamW8bit> slow = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = r.nextBoolean() ? Gen.awkwardLength(r, 5000) : 4096 + r.nextInt(6000);
            float[] w = Gen.weights(r, n, 0.05f, 0.05);
            slowWeights.add(w.clone());
            params.add(Parameter.of("p" + i, w, n));
            slow.add(new SlowAdamW8bit(n));
        }
        double lr = r.nextBoolean() ? 1e-3 : 0.05;
        double wd = r.nextBoolean() ? 0 : 0.01;
        double beta1 = r.nextBoolean() ? 0.9 : 0.5;
        double beta2 = r.nextBoolean() ? 0.999 : 0.95;
        int steps = 1 + r.nextInt(6);
        try (AdamW8bit fast = AdamW8bit.builder().lr(lr).betas(beta1, beta2).weightDecay(wd).build(params)) {
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < count; i++) {
                    float[] g = Gen.gradients(r, params.get(i).size(), 0.01f, 0.05);
                    System.arraycopy(g, 0, params.get(i).grad(), 0, g.length);
                    slow.get(i).step(slowWeights.get(i), g, lr, beta1, beta2, 1e-8, wd, t + 1);
                }
                fast.step();
                for (int i = 0; i < count; i++) {
                    String what = "seed " + seed + " step " + t + " '" + params.get(i).name() + "' ";
                    Compare.exact(what + "w", slowWeights.get(i), params.get(i).data());
                    Moments mv = fast.moments(params.get(i));
                    float[][] expected = slow.get(i).moments();
                    Compare.exact(what + "m", expected[0], mv.m());
                    Compare.exact(what + "v", expected[1], mv.v());
                }
            }
            assertEquals(steps, fast.steps());
        }
    }

    /** The 8-bit moments stay close to float32 AdamW's: the point of the method (a sanity bound). */
    @Test
    void quantizedMomentsTrackFloat32Moments() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 8192;
        float[] w = Gen.weights(r, n, 0.05f, 0);
        Parameter a = Parameter.of("a", w.clone(), n);
        Parameter b = Parameter.of("b", w.clone(), n);
        try (AdamW8bit q = AdamW8bit.builder().build(List.of(a)); AdamW full = AdamW.builder().build(List.of(b))) {
            for (int t = 0; t < 20; t++) {
                float[] g = Gen.gradients(r, n, 0.01f, 0);
                System.arraycopy(g, 0, a.grad(), 0, n);
                System.arraycopy(g, 0, b.grad(), 0, n);
                q.step();
                full.step();
            }
            float[] mq = q.moments(a).m();
            float[] mf = full.moments(b).m();
            double err = 0;
            double norm = 0;
            for (int i = 0; i < n; i++) {
                err += (mq[i] - mf[i]) * (double) (mq[i] - mf[i]);
                norm += mf[i] * (double) mf[i];
            }
            // the dynamic map's relative step is at most ~1/16 near the top of each decade; its
            // block-wise relative L2 error stays far below 10 %
            assertTrue(Math.sqrt(err / norm) < 0.1, "relative L2 error of m " + Math.sqrt(err / norm));
        }
    }
}
