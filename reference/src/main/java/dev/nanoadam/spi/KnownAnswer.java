package dev.nanoadam.spi;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import java.util.SplittableRandom;

/**
 * SPEC.md §10's start-up check, shared by the device backends: a small fixed scenario run through a
 * candidate backend and through {@code cpu-scalar}, compared bit for bit. It covers selection under
 * every criterion, RESET and CARRY remaps, both
 * state types, masked and dense updates with and without reused gradients, subnormal, zero, tied,
 * NaN and infinite values, and the non-finite check. A driver that contracts {@code a*b+c}, flushes
 * subnormals or rounds a division differently fails here, before it touches a model.
 */
public final class KnownAnswer {
    private KnownAnswer() {
    }

    /** The chunk size of the scenario. */
    public static final int CHUNK = 256;
    // 4 chunks (last 232), 2 (last 1), 1 short one, and 2 chunks of heavy ties re-drawn every round
    private static final int[] SPARSE = {1000, 257, 3, 300};
    private static final int TIES = 3;
    private static final float[] TIE_VALUES = {0f, -0f, 0.5f, -0.5f, 0.25f, Float.NaN, -Float.NaN};
    private static final int[] DENSE = {37};
    private static final double[] DENSITIES = {0.3, 0.05, 1.0, 0.5, 0.011, 0.7, 0.2, 0.999};
    private static final float[] EDGES = {
        0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1e-40f, -1e-39f, 3.4e38f, -3.4e38f, 1f, -1f,
        0.5f, 1e-3f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY
    };
    private static final float[] GRADIENT_EDGES = {0f, -0f, Float.MIN_VALUE, -1e-41f, 1e-20f, -1e-22f, 1e-30f, 1e3f,
        -1e3f, 1f};

    /**
     * Runs the scenario with state type {@code type} on fresh {@code oracle} ({@code cpu-scalar}) and
     * {@code candidate} backends.
     *
     * @param what names the variant in the answer
     * @return null when the candidate agrees everywhere, else where it first differs
     */
    public static String scenario(Backend oracle, Backend candidate, StateType type, String what) {
        String[] sparseNames = {"kat0", "kat1", "kat2", "kat3"};
        String[] denseNames = {"katnorm"};
        Layout layout = new Layout(sparseNames, SPARSE, denseNames, DENSE, CHUNK, type);
        oracle.init(layout);
        candidate.init(layout);
        SplittableRandom r = new SplittableRandom(0x4B41544L);
        int params = SPARSE.length + DENSE.length;
        float[][] wa = new float[params][];
        float[][] wb = new float[params][];
        float[][] g = new float[params][];
        for (int p = 0; p < params; p++) {
            int n = p < SPARSE.length ? SPARSE[p] : DENSE[p - SPARSE.length];
            wa[p] = values(r, n, EDGES, 0.02f);
            wb[p] = wa[p].clone();
            g[p] = new float[n];
        }
        Selection sel = new Selection();
        StepConstants k = new StepConstants();
        int round = 0;
        for (Criterion criterion : Criterion.values()) {
            for (MomentPolicy policy : MomentPolicy.values()) {
                String at = what + ", " + criterion + ", " + policy + ", round " + round + ": ";
                double density = DENSITIES[round % DENSITIES.length];
                for (int p = 0; p < params; p++) {
                    g[p] = values(r, g[p].length, GRADIENT_EDGES, 0.01f);
                }
                for (int i = 0; i < SPARSE[TIES]; i++) {
                    wa[TIES][i] = TIE_VALUES[r.nextInt(TIE_VALUES.length)];
                    g[TIES][i] = TIE_VALUES[r.nextInt(TIE_VALUES.length - 2)];
                }
                wb[TIES] = wa[TIES].clone();
                for (int s = 0; s < SPARSE.length; s++) {
                    int n = SPARSE[s];
                    int chunks = (n + CHUNK - 1) / CHUNK;
                    int full = SpecMath.chunkK(density, Math.min(CHUNK, n));
                    int last = SpecMath.chunkK(density, n - (chunks - 1) * CHUNK);
                    sel.set(criterion, CHUNK, full, last, (chunks - 1) * full + last, 0x5EEDL + round, 3L * round, s);
                    oracle.select(s, wa[s], g[s], sel);
                    candidate.select(s, wb[s], g[s], sel);
                    String d = same(at + "check of SPARSE " + s + " (pending mask)", oracle.checkSparse(s, g[s], true),
                            candidate.checkSparse(s, g[s], true));
                    if (d != null) {
                        return d;
                    }
                }
                for (int d = 0; d < DENSE.length; d++) {
                    String x = same(at + "check of DENSE " + d, oracle.checkDense(d, g[SPARSE.length + d]),
                            candidate.checkDense(d, g[SPARSE.length + d]));
                    if (x != null) {
                        return x;
                    }
                }
                for (int s = 0; s < SPARSE.length; s++) {
                    oracle.commitMask(s, policy);
                    candidate.commitMask(s, policy);
                }
                for (int step = 0; step < 2; step++) {
                    k.compute(1e-2, 0.9, 0.999, 1e-8, 0.05, 1 + step + round);
                    boolean checked = step == 0;   // the first update reuses the gradients the check sent
                    update(oracle, candidate, wa, wb, g, k, checked);
                    String d = compare(at + "after update " + step + ", ", oracle, candidate, wa, wb);
                    if (d != null) {
                        return d;
                    }
                }
                round++;
            }
        }
        // A NaN in the first parameter's mask and an infinity in the dense one: both checks must name
        // the same first index; then the update runs anyway (policy NONE) and NaNs flow alike.
        char[] mask0 = new char[oracle.maskLength(0)];
        oracle.readMask(0, mask0);
        for (int p = 0; p < params; p++) {
            g[p] = values(r, g[p].length, GRADIENT_EDGES, 0.01f);
        }
        int full0 = SpecMath.chunkK(DENSITIES[(round - 1) % DENSITIES.length], CHUNK);
        int j = Math.min(mask0.length - 1, full0 + 2);
        int flat = Math.min(j / full0, (SPARSE[0] + CHUNK - 1) / CHUNK - 1) * CHUNK + mask0[j];
        g[0][flat] = Float.NaN;
        g[0][SPARSE[0] - 1] = Float.NaN;
        g[SPARSE.length][5] = Float.POSITIVE_INFINITY;
        g[SPARSE.length][30] = Float.NaN;
        String at = what + ", non-finite gradients: ";
        String d = same(at + "check of SPARSE 0", oracle.checkSparse(0, g[0], false), candidate.checkSparse(0, g[0], false));
        if (d == null) {
            d = same(at + "check of DENSE 0", oracle.checkDense(0, g[SPARSE.length]),
                    candidate.checkDense(0, g[SPARSE.length]));
        }
        if (d == null) {
            k.compute(1e-3, 0.9, 0.999, 1e-8, 0, 7);
            update(oracle, candidate, wa, wb, g, k, false);
            d = compare(at + "after update, ", oracle, candidate, wa, wb);
        }
        return d;
    }

    private static void update(Backend oracle, Backend candidate, float[][] wa, float[][] wb, float[][] g,
                               StepConstants k, boolean checked) {
        for (int s = 0; s < SPARSE.length; s++) {
            oracle.updateSparse(s, wa[s], g[s], k, checked);
            candidate.updateSparse(s, wb[s], g[s], k, checked);
        }
        for (int d = 0; d < DENSE.length; d++) {
            int p = SPARSE.length + d;
            oracle.updateDense(d, wa[p], g[p], k, checked);
            candidate.updateDense(d, wb[p], g[p], k, checked);
        }
    }

    /** Masks, weights, m and v of every parameter. */
    private static String compare(String at, Backend oracle, Backend candidate, float[][] wa, float[][] wb) {
        String name = candidate.name();
        for (int s = 0; s < SPARSE.length; s++) {
            int ka = oracle.maskLength(s);
            int kb = candidate.maskLength(s);
            if (ka != kb) {
                return at + "mask length of SPARSE " + s + ": cpu-scalar " + ka + ", " + candidate.name() + " " + kb;
            }
            char[] ma = new char[ka];
            char[] mb = new char[kb];
            oracle.readMask(s, ma);
            candidate.readMask(s, mb);
            for (int j = 0; j < ka; j++) {
                if (ma[j] != mb[j]) {
                    return at + "mask of SPARSE " + s + " entry " + j + ": cpu-scalar " + (int) ma[j] + ", " + candidate.name() + " "
                            + (int) mb[j];
                }
            }
            String d = moments(at + "SPARSE " + s, oracle, candidate, true, s, ka);
            if (d != null) {
                return d;
            }
        }
        for (int d = 0; d < DENSE.length; d++) {
            String x = moments(at + "DENSE " + d, oracle, candidate, false, d, DENSE[d]);
            if (x != null) {
                return x;
            }
        }
        for (int p = 0; p < wa.length; p++) {
            String d = floats(at + "weights of parameter " + p, wa[p], wb[p], name);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static String moments(String at, Backend oracle, Backend candidate, boolean sparse, int index, int n) {
        float[] ma = new float[n];
        float[] va = new float[n];
        float[] mb = new float[n];
        float[] vb = new float[n];
        oracle.readMoments(sparse, index, ma, va);
        candidate.readMoments(sparse, index, mb, vb);
        String d = floats(at + " m", ma, mb, candidate.name());
        return d != null ? d : floats(at + " v", va, vb, candidate.name());
    }

    /** Bit-for-bit, any NaN equal to any NaN (SPEC.md §6). */
    private static String floats(String at, float[] a, float[] b, String name) {
        for (int i = 0; i < a.length; i++) {
            boolean same = (Float.isNaN(a[i]) && Float.isNaN(b[i]))
                    || Float.floatToRawIntBits(a[i]) == Float.floatToRawIntBits(b[i]);
            if (!same) {
                return at + " index " + i + ": cpu-scalar " + a[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(a[i]))
                        + "), " + name + " " + b[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(b[i])) + ")";
            }
        }
        return null;
    }

    private static String same(String at, int a, int b) {
        return a == b ? null : at + ": cpu-scalar " + a + ", candidate " + b;
    }

    /** Seeded values: a third edge values or ties with earlier entries, the rest scaled Gaussians. */
    private static float[] values(SplittableRandom r, int n, float[] edges, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(6);
            if (kind == 0) {
                a[i] = edges[r.nextInt(edges.length)];
            } else if (kind == 1 && i > 0) {
                a[i] = r.nextBoolean() ? a[r.nextInt(i)] : -a[r.nextInt(i)];
            } else {
                double u1 = r.nextDouble();
                double u2 = r.nextDouble();
                a[i] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2) * scale);
            }
        }
        return a;
    }
}
