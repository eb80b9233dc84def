package dev.nanoadam.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The kernels of one parameter's state graph, as Java that TornadoVM compiles for the device:
 * the non-finite check (SPEC.md §7), the masked and dense update (§6) and the moment remap (§5).
 *
 * <p>A state graph holds one parameter's arrays and two tasks, {@code main} then {@code finish};
 * every execution runs both, and {@code ctl[OP]} says which operation this execution performs
 * (TornadoVM binds a task's arrays when the graph is built, so one graph per parameter serves
 * every operation on its resident state instead of one graph per operation and parameter).
 * <pre>
 *   CHECK : main   g[0,count) -> partials[b] = first bad index in block b, or count
 *           finish partials   -> result[0]   = first bad index, or -1
 *   UPDATE: main   g, w, m, v -> w, m, v     (one work-item per entry)
 *   REMAP : main   m, v       -> mOld, vOld  (when ctl[COPY] is 1)
 *           finish source[j] >= 0 ? mOld[source[j]] : 0 -> m[j] (and v), j &lt; count
 *   LOAD  : main   g, w       -> m, v        (a graph taken for new state: zeros or a checkpoint's)
 * </pre>
 * Float arithmetic: every operator stands alone, so the generated OpenCL C has one operation per
 * statement and nothing to contract; TornadoVM's FMA phase, native functions and relaxed-math
 * flags are off (docs/TORNADO.md). Both state types have their kernels: FP32 on {@link FloatArray},
 * BF16 as bit patterns on {@link ShortArray}, converted by {@link KernelBf16}.
 */
final class StateKernels {
    private StateKernels() {
    }

    // ctl[] fields.
    static final int OP = 0;
    static final int COUNT = 1;
    static final int DECAY_ON = 2;
    static final int COPY = 3;
    static final int OLD_COUNT = 4;
    static final int CTL_LENGTH = 5;

    static final int OP_CHECK = 1;
    static final int OP_UPDATE = 2;
    static final int OP_REMAP = 3;
    /** m[i] = g[i], v[i] = w[i] (stored as the state type): zeros or a checkpoint's values, sent through g and w. */
    static final int OP_LOAD = 4;

    // k[] fields: StepConstants in SPEC.md §6's names.
    static final int B1 = 0;
    static final int B2 = 1;
    static final int C1 = 2;
    static final int C2 = 3;
    static final int STEP = 4;
    static final int BC2 = 5;
    static final int DECAY = 6;
    static final int EPS = 7;
    /** A NaN: TornadoVM cannot write a NaN constant into OpenCL C ({@link KernelBf16#load}). */
    static final int NAN = 8;
    static final int K_LENGTH = 9;

    /** Gradients one check work-item scans. */
    static final int CHECK_BLOCK = 256;

    /**
     * FP32 state, first task.
     *
     * @param ctl      [CTL_LENGTH] operation and sizes
     * @param k        [K_LENGTH] the step's constants (UPDATE)
     * @param g        [count] gradients of the entries updated, in mask (or flat) order
     * @param w        [count] their weights, updated in place (UPDATE)
     * @param m        [count] first moments, resident
     * @param v        [count] second moments, resident
     * @param mOld     [count] the moments before a remap (REMAP)
     * @param vOld     [count]
     * @param partials [ceil(count / CHECK_BLOCK)] per-block first bad index (CHECK)
     */
    static void main32(KernelContext kc, IntArray ctl, FloatArray k, FloatArray g, FloatArray w, FloatArray m,
                       FloatArray v, FloatArray mOld, FloatArray vOld, IntArray partials) {
        int i = kc.globalIdx;
        int op = ctl.get(OP);
        int count = ctl.get(COUNT);
        if (op == OP_UPDATE) {
            if (i < count) {
                float gi = g.get(i);
                float m1 = firstMoment(k, m.get(i), gi);
                float v1 = secondMoment(k, v.get(i), gi);
                w.set(i, weight(k, ctl.get(DECAY_ON), w.get(i), m1, v1));
                m.set(i, m1);
                v.set(i, v1);
            }
        } else if (op == OP_CHECK) {
            checkBlock(i, count, g, partials);
        } else if (op == OP_REMAP) {
            if (i < ctl.get(OLD_COUNT)) {
                if (ctl.get(COPY) != 0) {
                    mOld.set(i, m.get(i));
                    vOld.set(i, v.get(i));
                }
            }
        } else if (op == OP_LOAD) {
            if (i < count) {
                m.set(i, g.get(i));
                v.set(i, w.get(i));
            }
        }
    }

    /** FP32 state, second task; arguments as {@link #main32}, plus {@code source[count]} and {@code result[1]}. */
    static void finish32(KernelContext kc, IntArray ctl, FloatArray m, FloatArray v, FloatArray mOld,
                         FloatArray vOld, IntArray source, IntArray partials, IntArray result) {
        int i = kc.globalIdx;
        int op = ctl.get(OP);
        int count = ctl.get(COUNT);
        if (op == OP_REMAP) {
            if (i < count) {
                int from = source.get(i);
                m.set(i, from < 0 ? 0f : mOld.get(from));
                v.set(i, from < 0 ? 0f : vOld.get(from));
            }
        } else if (op == OP_CHECK) {
            if (i == 0) {
                firstBad(count, partials, result);
            }
        }
    }

    /** BF16 state, first task; as {@link #main32} with m, v, mOld, vOld holding bfloat16 bit patterns. */
    static void main16(KernelContext kc, IntArray ctl, FloatArray k, FloatArray g, FloatArray w, ShortArray m,
                       ShortArray v, ShortArray mOld, ShortArray vOld, IntArray partials) {
        int i = kc.globalIdx;
        int op = ctl.get(OP);
        int count = ctl.get(COUNT);
        if (op == OP_UPDATE) {
            if (i < count) {
                float gi = g.get(i);
                float m1 = firstMoment(k, KernelBf16.load(m.get(i), k.get(NAN)), gi);
                float v1 = secondMoment(k, KernelBf16.load(v.get(i), k.get(NAN)), gi);
                w.set(i, weight(k, ctl.get(DECAY_ON), w.get(i), m1, v1));
                m.set(i, KernelBf16.store(m1));
                v.set(i, KernelBf16.store(v1));
            }
        } else if (op == OP_CHECK) {
            checkBlock(i, count, g, partials);
        } else if (op == OP_REMAP) {
            if (i < ctl.get(OLD_COUNT)) {
                if (ctl.get(COPY) != 0) {
                    mOld.set(i, m.get(i));
                    vOld.set(i, v.get(i));
                }
            }
        } else if (op == OP_LOAD) {
            if (i < count) {
                m.set(i, KernelBf16.store(g.get(i)));
                v.set(i, KernelBf16.store(w.get(i)));
            }
        }
    }

    /** BF16 state, second task; as {@link #finish32}. */
    static void finish16(KernelContext kc, IntArray ctl, ShortArray m, ShortArray v, ShortArray mOld,
                         ShortArray vOld, IntArray source, IntArray partials, IntArray result) {
        int i = kc.globalIdx;
        int op = ctl.get(OP);
        int count = ctl.get(COUNT);
        if (op == OP_REMAP) {
            if (i < count) {
                int from = source.get(i);
                short zero = 0;
                m.set(i, from < 0 ? zero : mOld.get(from));
                v.set(i, from < 0 ? zero : vOld.get(from));
            }
        } else if (op == OP_CHECK) {
            if (i == 0) {
                firstBad(count, partials, result);
            }
        }
    }

    // SPEC.md §6, written once for both state types: the kernels above load and store the moments
    // in their type and call these; TornadoVM inlines them into the generated OpenCL C.

    /** m1 = b1 * m0 + c1 * g. */
    private static float firstMoment(FloatArray k, float m0, float gi) {
        return k.get(B1) * m0 + k.get(C1) * gi;
    }

    /** v1 = b2 * v0 + c2 * (g * g). */
    private static float secondMoment(FloatArray k, float v0, float gi) {
        return k.get(B2) * v0 + k.get(C2) * (gi * gi);
    }

    /** The new weight from the weight x and the new moments: decay (when on), then x - step * (m1 / (sqrt(v1) / bc2 + eps)). */
    private static float weight(FloatArray k, int decayOn, float x, float m1, float v1) {
        float y = x;
        if (decayOn != 0) {
            y = y * k.get(DECAY);
        }
        float d = (float) Math.sqrt(v1) / k.get(BC2) + k.get(EPS);
        return y - k.get(STEP) * (m1 / d);
    }

    /** partials[b] = the first index in block b whose gradient is NaN or infinite, or count. */
    private static void checkBlock(int b, int count, FloatArray g, IntArray partials) {
        int start = b * CHECK_BLOCK;
        if (start < count) {
            int end = Math.min(count, start + CHECK_BLOCK);
            int bad = count;
            // NaN or infinite exactly when x - x is not 0 (TornadoVM cannot reinterpret float bits).
            // Walking down keeps the lowest such index without a compound condition.
            for (int j = end - 1; j >= start; j--) {
                float x = g.get(j);
                if (x - x != 0f) {
                    bad = j;
                }
            }
            partials.set(b, bad);
        }
    }

    /** result[0] = the smallest of the blocks' answers, or -1 when none found one (one work-item). */
    private static void firstBad(int count, IntArray partials, IntArray result) {
        int blocks = (count + CHECK_BLOCK - 1) / CHECK_BLOCK;
        int bad = count;
        for (int b = 0; b < blocks; b++) {
            bad = Math.min(bad, partials.get(b));
        }
        result.set(0, bad == count ? -1 : bad);
    }
}
