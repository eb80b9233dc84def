package dev.nanoadam.baselines;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * 8-bit AdamW written straight from Dettmers et al. (2022), Algorithm "block-wise dynamic
 * quantization" and bitsandbytes' {@code create_dynamic_map}: one parameter, whole arrays, a linear
 * scan for the nearest code. Slow on purpose; the oracle for {@code dev.nanoadam.AdamW8bit}.
 */
public final class SlowAdamW8bit {
    public static final float[] SIGNED = map(true);
    public static final float[] UNSIGNED = map(false);

    /** bitsandbytes' create_dynamic_map(signed, max_exponent_bits=7, total_bits=8), in double, sorted. */
    static float[] map(boolean signed) {
        List<Double> data = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            int fractionItems = signed ? (int) Math.pow(2, i) + 1 : (int) Math.pow(2, i + 1) + 1;
            double[] boundaries = new double[fractionItems];
            for (int j = 0; j < fractionItems; j++) {
                boundaries[j] = 0.1 + (1 - 0.1) * j / (fractionItems - 1);   // linspace(0.1, 1, items)
            }
            for (int j = 0; j + 1 < fractionItems; j++) {
                double mean = (boundaries[j] + boundaries[j + 1]) / 2.0;
                data.add(Math.pow(10, -(7 - 1) + i) * mean);
                if (signed) {
                    data.add(-Math.pow(10, -(7 - 1) + i) * mean);
                }
            }
        }
        data.add(0.0);
        data.add(1.0);
        float[] f = new float[data.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (double) data.get(i);
        }
        List<Float> sorted = new ArrayList<>();
        for (float x : f) {
            sorted.add(x);
        }
        Collections.sort(sorted);
        for (int i = 0; i < f.length; i++) {
            f[i] = sorted.get(i);
        }
        return f;
    }

    /** argmin_i |x - map[i]|, the first (lowest) i on ties. */
    public static int nearest(float[] map, float x) {
        int best = 0;
        float bestDistance = Math.abs(x - map[0]);
        for (int i = 1; i < map.length; i++) {
            float d = Math.abs(x - map[i]);
            if (d < bestDistance) {
                best = i;
                bestDistance = d;
            }
        }
        return best;
    }

    final int n;
    final boolean quantized;
    final float[] m;          // small parameter: float32 m
    final float[] v;
    final int[] mCode;        // quantized parameter: codes and absmax per block
    final int[] vCode;
    final float[] mAbsmax;
    final float[] vAbsmax;

    public SlowAdamW8bit(int n) {
        this.n = n;
        this.quantized = n >= 4096;
        this.m = new float[n];
        this.v = new float[n];
        this.mCode = new int[n];
        this.vCode = new int[n];
        int blocks = (n + 255) / 256;
        this.mAbsmax = new float[blocks];
        this.vAbsmax = new float[blocks];
        java.util.Arrays.fill(mCode, nearest(SIGNED, 0f));
        java.util.Arrays.fill(vCode, nearest(UNSIGNED, 0f));
    }

    /** One step with SPEC.md §6's constants for tau = t (1-based), computed in double as there. */
    public void step(float[] w, float[] g, double lr, double beta1, double beta2, double eps, double wd, long tau) {
        Adam a = new Adam(lr, beta1, beta2, eps, wd, tau);
        if (!quantized) {
            for (int p = 0; p < n; p++) {
                float[] r = a.update(w[p], g[p], m[p], v[p]);
                w[p] = r[0];
                m[p] = r[1];
                v[p] = r[2];
            }
            return;
        }
        for (int b = 0; b * 256 < n; b++) {
            int from = b * 256;
            int to = Math.min(n, from + 256);
            float[] newM = new float[to - from];
            float[] newV = new float[to - from];
            for (int p = from; p < to; p++) {
                float mp = SIGNED[mCode[p]] * mAbsmax[b];     // dequantize
                float vp = UNSIGNED[vCode[p]] * vAbsmax[b];
                float[] r = a.update(w[p], g[p], mp, vp);
                w[p] = r[0];
                newM[p - from] = r[1];
                newV[p - from] = r[2];
            }
            float am = 0f;
            float av = 0f;
            for (int j = 0; j < newM.length; j++) {
                am = Math.max(am, Math.abs(newM[j]));
                av = Math.max(av, newV[j]);
            }
            for (int p = from; p < to; p++) {                  // requantize to the nearest code
                mCode[p] = am == 0f ? nearest(SIGNED, 0f) : nearest(SIGNED, newM[p - from] / am);
                vCode[p] = av == 0f ? nearest(UNSIGNED, 0f) : nearest(UNSIGNED, newV[p - from] / av);
            }
            mAbsmax[b] = am;
            vAbsmax[b] = av;
        }
    }

    /** The moments as the optimizer sees them (dequantized where stored in 8 bits). */
    public float[][] moments() {
        if (!quantized) {
            return new float[][] {m.clone(), v.clone()};
        }
        float[] dm = new float[n];
        float[] dv = new float[n];
        for (int p = 0; p < n; p++) {
            dm[p] = SIGNED[mCode[p]] * mAbsmax[p / 256];
            dv[p] = UNSIGNED[vCode[p]] * vAbsmax[p / 256];
        }
        return new float[][] {dm, dv};
    }
}
