package dev.nanoadam.baselines;

import dev.nanoadam.spi.SpecMath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * MicroAdam written straight from Modoranu et al. (2024), Algorithm 1, for one parameter: the error as
 * 4-bit codes with per-bucket min and max, top-k per block by sorting, the window as a list of
 * (flat indices, bf16 values) rows, and dense m̂, v̂ rebuilt from the window every step. Slow on
 * purpose; the oracle for {@code dev.nanoadam.MicroAdam}.
 */
public final class SlowMicroAdam {
    static final int BLOCK = 4096;
    static final int BUCKET = 64;

    final int n;
    final double density;
    final int window;
    final int[] code;            // 4-bit error codes
    final float[] lo;            // per bucket
    final float[] hi;
    final List<int[]> rowIndices = new ArrayList<>();     // newest last
    final List<float[]> rowValues = new ArrayList<>();

    public SlowMicroAdam(int n, double density, int window) {
        this.n = n;
        this.density = density;
        this.window = window;
        this.code = new int[n];
        this.lo = new float[(n + BUCKET - 1) / BUCKET];
        this.hi = new float[lo.length];
    }

    /** Q⁻¹(e): the dequantized error. */
    public float[] error() {
        float[] e = new float[n];
        for (int p = 0; p < n; p++) {
            int b = p / BUCKET;
            float u = (hi[b] - lo[b]) / 15f;
            e[p] = lo[b] + code[p] * u;
        }
        return e;
    }

    /** One step; tau = t + 1 with t the 0-based step. */
    public void step(float[] w, float[] g, double lr, double beta1, double beta2, double eps, double wd, long tau) {
        // a = g + Q^-1(e)
        float[] e = error();
        float[] a = new float[n];
        for (int p = 0; p < n; p++) {
            a[p] = g[p] + e[p];
        }
        // I, V = T_k(|a|) block by block; a[I] = 0
        List<Integer> chosen = new ArrayList<>();
        for (int base = 0; base < n; base += BLOCK) {
            int length = Math.min(BLOCK, n - base);
            int k = SpecMath.chunkK(density, length);
            Integer[] order = new Integer[length];
            for (int j = 0; j < length; j++) {
                order[j] = base + j;
            }
            // largest |a| first (SPEC.md §4's key), ties to the lower index
            Arrays.sort(order, Comparator.comparingInt((Integer p) -> SpecMath.magnitudeKey(a[p])).reversed()
                    .thenComparingInt(p -> p));
            Integer[] top = Arrays.copyOf(order, k);
            Arrays.sort(top);
            chosen.addAll(Arrays.asList(top));
        }
        int[] idx = new int[chosen.size()];
        float[] val = new float[idx.length];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = chosen.get(j);
            val[j] = SpecMath.bf16ToFloat(SpecMath.bf16(a[idx[j]]));
            a[idx[j]] = 0f;
        }
        // e = Q(a), 4 bits with bucket min and max
        for (int b = 0; b < lo.length; b++) {
            int from = b * BUCKET;
            int to = Math.min(n, from + BUCKET);
            float mn = a[from];
            float mx = a[from];
            for (int p = from + 1; p < to; p++) {
                mn = Math.min(mn, a[p]);
                mx = Math.max(mx, a[p]);
            }
            float u = (mx - mn) / 15f;
            for (int p = from; p < to; p++) {
                code[p] = u > 0f ? Math.max(0, Math.min(15, Math.round((a[p] - mn) / u))) : 0;
            }
            lo[b] = mn;
            hi[b] = mx;
        }
        // the window keeps the last `window` rows
        rowIndices.add(idx);
        rowValues.add(val);
        if (rowIndices.size() > window) {
            rowIndices.remove(0);
            rowValues.remove(0);
        }
        // m̂, v̂ from the window, newest first
        float[] mh = new float[n];
        float[] vh = new float[n];
        for (int age = 0; age < rowIndices.size(); age++) {
            int[] ri = rowIndices.get(rowIndices.size() - 1 - age);
            float[] rv = rowValues.get(rowValues.size() - 1 - age);
            float cm = (float) ((1.0 - beta1) * StrictMath.pow(beta1, age));
            float cv = (float) ((1.0 - beta2) * StrictMath.pow(beta2, age));
            for (int j = 0; j < ri.length; j++) {
                mh[ri[j]] = mh[ri[j]] + cm * rv[j];
                vh[ri[j]] = vh[ri[j]] + cv * (rv[j] * rv[j]);
            }
        }
        // θ -= η m̂ / (sqrt(v̂) + ε), with SPEC.md §6's bias-correction constants
        Adam c = new Adam(lr, beta1, beta2, eps, wd, tau);
        for (int p = 0; p < n; p++) {
            float x = c.decayOn ? w[p] * c.decay : w[p];
            float d = (float) Math.sqrt(vh[p]) / c.bc2 + c.e;
            w[p] = x - c.step * (mh[p] / d);
        }
    }
}
