package dev.nanoadam.cpu;

import dev.nanoadam.Criterion;
import dev.nanoadam.StateType;
import dev.nanoadam.spi.Selection;
import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.spi.StepConstants;
import java.util.Arrays;

/**
 * {@code "cpu-scalar"}: the plainest code that implements SPEC.md, one element at a time, on one
 * thread. It is the oracle every other backend is tested against, so it favours being obviously
 * right over being fast: selection sorts {@code (key, index)} pairs.
 */
public final class ScalarBackend extends HostBackend {

    @Override
    public String name() {
        return "cpu-scalar";
    }

    @Override
    public String description() {
        return "cpu-scalar (plain Java, 1 thread)";
    }

    /** SPEC.md §4: per chunk, sort (key, index) ascending, keep K_c, write their indices ascending. */
    @Override
    public void select(int s, float[] w, float[] g, Selection sel) {
        char[] out = pendingFor(s, sel);
        int n = sparseN[s];
        int chunks = chunks(s);
        int o = 0;
        for (int c = 0; c < chunks; c++) {
            int lo = c * chunk;
            int length = Math.min(chunk, n - lo);
            long[] pairs = new long[length];
            for (int i = 0; i < length; i++) {
                long key = selectionKey(sel, w, g, lo + i);
                pairs[i] = (key << 32) | i;
            }
            Arrays.sort(pairs);
            int kc = sel.kOf(c, chunks);
            int[] chosen = new int[kc];
            for (int j = 0; j < kc; j++) {
                chosen[j] = (int) pairs[j];
            }
            Arrays.sort(chosen);
            for (int j = 0; j < kc; j++) {
                out[o++] = (char) chosen[j];
            }
        }
    }

    /** The 31-bit key whose ascending order, ties to the lower index, is the selection order. */
    static int selectionKey(Selection sel, float[] w, float[] g, int p) {
        Criterion c = sel.criterion();
        return switch (c) {
            case SMALLEST_MAGNITUDE -> SpecMath.magnitudeKey(w[p]);
            case LARGEST_MAGNITUDE -> SpecMath.MAX_KEY - SpecMath.magnitudeKey(w[p]);
            case LARGEST_GRADIENT -> SpecMath.MAX_KEY - SpecMath.magnitudeKey(g[p]);
            case RANDOM -> SpecMath.randomKey(sel.seed(), sel.step(), sel.paramIndex(), p);
        };
    }

    @Override
    public int checkSparse(int s, float[] g, boolean usePending) {
        char[] m = usePending ? pending[s] : mask[s];
        int full = usePending ? pendingKFull[s] : kFull[s];
        int last = usePending ? pendingKLast[s] : kLast[s];
        int chunks = chunks(s);
        if (m.length == 0) {
            return -1;
        }
        for (int c = 0; c < chunks; c++) {
            int j0 = c * full;
            int kc = c == chunks - 1 ? last : full;
            for (int j = j0; j < j0 + kc; j++) {
                int p = c * chunk + m[j];
                if (SpecMath.nonFinite(g[p])) {
                    return p;
                }
            }
        }
        return -1;
    }

    @Override
    public int checkDense(int d, float[] g) {
        for (int p = 0; p < denseN[d]; p++) {
            if (SpecMath.nonFinite(g[p])) {
                return p;
            }
        }
        return -1;
    }

    @Override
    public void updateSparse(int s, float[] w, float[] g, StepConstants k, boolean checked) {
        char[] m = mask[s];
        int chunks = chunks(s);
        if (m.length == 0) {
            return;
        }
        for (int c = 0; c < chunks; c++) {
            int j0 = c * kFull[s];
            int kc = c == chunks - 1 ? kLast[s] : kFull[s];
            for (int j = j0; j < j0 + kc; j++) {
                int p = c * chunk + m[j];
                if (stateType == StateType.FP32) {
                    updateFp32(w, p, g, p, sparseM32[s], sparseV32[s], j, k);
                } else {
                    updateBf16(w, g, p, sparseM16[s], sparseV16[s], j, k);
                }
            }
        }
    }

    @Override
    public void updateDense(int d, float[] w, float[] g, StepConstants k, boolean checked) {
        for (int p = 0; p < denseN[d]; p++) {
            if (stateType == StateType.FP32) {
                updateFp32(w, p, g, p, denseM32[d], denseV32[d], p, k);
            } else {
                updateBf16(w, g, p, denseM16[d], denseV16[d], p, k);
            }
        }
    }

    /**
     * SPEC.md §6 for one element with float32 state: weight {@code w[p]}, gradient {@code grad[q]},
     * state slot {@code j}. The vector backend's loop tails call this same routine.
     */
    static void updateFp32(float[] w, int p, float[] grad, int q, float[] m, float[] v, int j, StepConstants k) {
        float g = grad[q];
        float x = w[p];
        if (k.decayOn()) {
            x = x * k.decay();
        }
        float m1 = k.b1() * m[j] + k.c1() * g;
        float v1 = k.b2() * v[j] + k.c2() * (g * g);
        float d = (float) Math.sqrt(v1) / k.bc2() + k.eps();
        w[p] = x - k.stepSize() * (m1 / d);
        m[j] = m1;
        v[j] = v1;
    }

    /** SPEC.md §6 for one element with bfloat16 state. */
    static void updateBf16(float[] w, float[] grad, int p, short[] m, short[] v, int j, StepConstants k) {
        float g = grad[p];
        float x = w[p];
        if (k.decayOn()) {
            x = x * k.decay();
        }
        float m1 = k.b1() * SpecMath.bf16ToFloat(m[j]) + k.c1() * g;
        float v1 = k.b2() * SpecMath.bf16ToFloat(v[j]) + k.c2() * (g * g);
        float d = (float) Math.sqrt(v1) / k.bc2() + k.eps();
        w[p] = x - k.stepSize() * (m1 / d);
        m[j] = SpecMath.bf16(m1);
        v[j] = SpecMath.bf16(v1);
    }
}
