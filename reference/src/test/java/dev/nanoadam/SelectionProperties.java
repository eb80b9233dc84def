package dev.nanoadam;

import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * SPEC.md §4: the mask equals, chunk by chunk, the first K_c of a plain sort of {@code (key, index)}
 * pairs, indices written ascending. Data full of ties, ±0, subnormals, infinities and NaNs.
 */
class SelectionProperties {

    @Property(tries = 400, seed = "4097")
    void maskIsTheSortOfKeyIndexPairs(@ForAll Criterion criterion, @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = Gen.awkwardLength(r, 9000);
        int[] chunks = {1, 2, 5, 64, 1000, 4096, 65536};
        int chunk = r.nextInt(3) == 0 ? 1 + r.nextInt(5000) : chunks[r.nextInt(chunks.length)];
        double density = new double[] {1e-4, 0.01, 0.07, 0.1, 0.5, 0.93, 1.0}[r.nextInt(7)];
        float[] w0 = Gen.weights(r, n, 0.02f, 0.4);
        float[] g0 = Gen.gradients(r, n, 0.01f, 0.4);
        for (int i = 0; i < n; i++) {
            if (r.nextInt(50) == 0) {
                w0[i] = r.nextBoolean() ? Float.NaN : Float.intBitsToFloat(0xFFC00001);   // NaNs of two signs
            }
            if (r.nextInt(80) == 0) {
                w0[i] = r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            }
            if (r.nextInt(50) == 0) {
                g0[i] = Float.NaN;
            }
        }
        int[] expected = oracle(criterion, w0, g0, chunk, density, seed);
        for (String backend : List.of("cpu-scalar", "cpu")) {
            Parameter p = Parameter.of("w", w0.clone(), n);
            System.arraycopy(g0, 0, p.grad(), 0, n);
            try (NanoAdam opt = NanoAdam.builder().backend(backend).criterion(criterion).seed(seed).chunkSize(chunk)
                    .density(density).maskInterval(1000).nonFinite(NonFinitePolicy.NONE)
                    .build(List.of(p), List.of())) {
                opt.step();
                Compare.exact(backend + " " + criterion + " seed=" + seed + " n=" + n + " chunk=" + chunk
                        + " density=" + density + " mask", expected, opt.mask(p));
            }
        }
    }

    /**
     * Many chunks of one large tensor, split over several tasks: the {@code cpu} backend's fast path
     * reuses a chunk's threshold for the next one, so the data make it right, wrong and ambiguous:
     * smooth Gaussians, a scale that drifts from chunk to chunk (the guess misses), a handful of
     * distinct values (the threshold's ties are many and only some are taken), and runs of equal
     * magnitudes with both signs of zero.
     */
    @Property(tries = 40, seed = "65537")
    void manyChunksAgreeWithTheSort(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int chunk = new int[] {16, 100, 1024, 4096}[r.nextInt(4)];
        int n = chunk * (20 + r.nextInt(120)) + r.nextInt(chunk);
        double density = new double[] {0.01, 0.05, 0.1, 0.3}[r.nextInt(4)];
        int shape = r.nextInt(4);
        float[] w0 = new float[n];
        for (int i = 0; i < n; i++) {
            double x = Gen.gaussian(r);
            w0[i] = switch (shape) {
                case 0 -> (float) (0.02 * x);
                case 1 -> (float) (x * Math.pow(1.3, (i / chunk) % 17 - 8));
                case 2 -> (float) Math.rint(2 * x) / 4;
                default -> r.nextInt(3) == 0 ? (r.nextBoolean() ? 0f : -0f) : (float) (0.01 * Math.rint(8 * x));
            };
        }
        int[] expected = oracle(Criterion.SMALLEST_MAGNITUDE, w0, new float[n], chunk, density, seed);
        Parameter p = Parameter.of("w", w0.clone(), n);
        try (NanoAdam opt = NanoAdam.builder().backend("cpu").chunkSize(chunk).density(density).maskInterval(1000)
                .nonFinite(NonFinitePolicy.NONE).build(List.of(p), List.of())) {
            opt.step();
            Compare.exact("cpu seed=" + seed + " n=" + n + " chunk=" + chunk + " density=" + density + " shape="
                    + shape + " mask", expected, opt.mask(p));
        }
    }

    /** Straight from §4's words, with a comparator instead of bit tricks. */
    static int[] oracle(Criterion c, float[] w, float[] g, int chunk, double density, long seed) {
        List<Integer> out = new ArrayList<>();
        for (int lo = 0; lo < w.length; lo += chunk) {
            int length = Math.min(chunk, w.length - lo);
            int kc = (int) Math.min(length, Math.max(1, Math.ceil(density * length - 1e-9)));
            Integer[] order = new Integer[length];
            for (int i = 0; i < length; i++) {
                order[i] = lo + i;
            }
            Arrays.sort(order, (a, b) -> {
                long ka = orderKey(c, w, g, a, seed);
                long kb = orderKey(c, w, g, b, seed);
                return ka != kb ? Long.compare(ka, kb) : Integer.compare(a, b);
            });
            int[] chosen = new int[kc];
            for (int i = 0; i < kc; i++) {
                chosen[i] = order[i];
            }
            Arrays.sort(chosen);
            for (int x : chosen) {
                out.add(x);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long orderKey(Criterion c, float[] w, float[] g, int i, long seed) {
        return switch (c) {
            case SMALLEST_MAGNITUDE -> magnitude(w[i]);
            case LARGEST_MAGNITUDE -> -magnitude(w[i]);
            case LARGEST_GRADIENT -> -magnitude(g[i]);
            case RANDOM -> SpecMath.randomKey(seed, 0, 0, i);
        };
    }

    /** |x| ordered as §4 says: +0 = -0, subnormals in order, NaN above +Inf. */
    private static long magnitude(float x) {
        if (Float.isNaN(x)) {
            return 0x7FFFFFFFL;
        }
        return Float.floatToRawIntBits(Math.abs(x));
    }
}
