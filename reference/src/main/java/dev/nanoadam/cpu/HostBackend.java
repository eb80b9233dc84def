package dev.nanoadam.cpu;

import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Layout;
import dev.nanoadam.spi.Selection;
import dev.nanoadam.spi.SpecMath;
import java.util.Arrays;

/**
 * State bookkeeping shared by the backends whose state lives in Java arrays: masks, pending masks,
 * compact moments (SPEC.md §5) and their remap at a refresh. Subclasses supply the kernels.
 */
abstract class HostBackend implements Backend {
    protected Layout layout;
    protected StateType stateType;
    protected int chunk;

    // SPARSE parameter s, current mask: chunk-local indices, chunk after chunk; K = mask[s].length.
    protected char[][] mask;
    protected int[] kFull;              // K_c of the full chunks of mask[s]
    protected int[] kLast;              // K_c of the last chunk of mask[s]
    // SPARSE parameter s, pending mask written by select(); becomes current at commitMask().
    protected char[][] pending;
    protected int[] pendingKFull;
    protected int[] pendingKLast;
    // Moments: FP32 in m32/v32, BF16 bit patterns in m16/v16; [sparse s][K] then [dense d][n].
    protected float[][] sparseM32;
    protected float[][] sparseV32;
    protected short[][] sparseM16;
    protected short[][] sparseV16;
    protected float[][] denseM32;
    protected float[][] denseV32;
    protected short[][] denseM16;
    protected short[][] denseV16;
    protected int[] sparseN;
    protected int[] denseN;
    private boolean closed;

    @Override
    public void init(Layout layout) {
        this.layout = layout;
        this.stateType = layout.stateType();
        this.chunk = layout.chunkSize();
        int s = layout.sparseCount();
        int d = layout.denseCount();
        sparseN = layout.sparseSizes().clone();
        denseN = layout.denseSizes().clone();
        mask = new char[s][0];
        pending = new char[s][0];
        kFull = new int[s];
        kLast = new int[s];
        pendingKFull = new int[s];
        pendingKLast = new int[s];
        boolean fp32 = stateType == StateType.FP32;
        sparseM32 = new float[s][];
        sparseV32 = new float[s][];
        sparseM16 = new short[s][];
        sparseV16 = new short[s][];
        for (int i = 0; i < s; i++) {
            allocateSparse(i, 0);
        }
        denseM32 = new float[d][];
        denseV32 = new float[d][];
        denseM16 = new short[d][];
        denseV16 = new short[d][];
        for (int i = 0; i < d; i++) {
            if (fp32) {
                denseM32[i] = new float[denseN[i]];
                denseV32[i] = new float[denseN[i]];
            } else {
                denseM16[i] = new short[denseN[i]];
                denseV16[i] = new short[denseN[i]];
            }
        }
    }

    private void allocateSparse(int s, int k) {
        if (stateType == StateType.FP32) {
            sparseM32[s] = new float[k];
            sparseV32[s] = new float[k];
        } else {
            sparseM16[s] = new short[k];
            sparseV16[s] = new short[k];
        }
    }

    /** Number of chunks of SPARSE parameter {@code s}. */
    protected final int chunks(int s) {
        return layout.chunks(sparseN[s]);
    }

    /** Makes sure the pending mask of {@code s} has exactly {@code total} entries. */
    protected final char[] pendingFor(int s, Selection sel) {
        if (pending[s].length != sel.total()) {
            pending[s] = new char[sel.total()];
        }
        pendingKFull[s] = sel.kFull();
        pendingKLast[s] = sel.kLast();
        return pending[s];
    }

    @Override
    public void commitMask(int s, MomentPolicy policy) {
        char[] next = pending[s];
        int newK = next.length;
        int oldK = mask[s].length;
        boolean fp32 = stateType == StateType.FP32;
        if (policy == MomentPolicy.RESET) {
            if (newK == oldK) {
                if (fp32) {
                    Arrays.fill(sparseM32[s], 0f);
                    Arrays.fill(sparseV32[s], 0f);
                } else {
                    Arrays.fill(sparseM16[s], (short) 0);
                    Arrays.fill(sparseV16[s], (short) 0);
                }
            } else {
                allocateSparse(s, newK);
            }
        } else {
            carry(s, next, newK, fp32);
        }
        pending[s] = mask[s];
        mask[s] = next;
        kFull[s] = pendingKFull[s];
        kLast[s] = pendingKLast[s];
    }

    /** CARRY (SPEC.md §5): entries whose flat index is in both masks keep m and v; the rest start at 0. */
    private void carry(int s, char[] next, int newK, boolean fp32) {
        float[] m32 = fp32 ? new float[newK] : null;
        float[] v32 = fp32 ? new float[newK] : null;
        short[] m16 = fp32 ? null : new short[newK];
        short[] v16 = fp32 ? null : new short[newK];
        char[] old = mask[s];
        int chunks = chunks(s);
        int oldFull = kFull[s];
        int oldLast = kLast[s];
        int newFull = pendingKFull[s];
        int newLast = pendingKLast[s];
        if (old.length > 0) {
            for (int c = 0; c < chunks; c++) {
                int oi = c * oldFull;
                int oEnd = oi + (c == chunks - 1 ? oldLast : oldFull);
                int ni = c * newFull;
                int nEnd = ni + (c == chunks - 1 ? newLast : newFull);
                while (oi < oEnd && ni < nEnd) {
                    char a = old[oi];
                    char b = next[ni];
                    if (a == b) {
                        if (fp32) {
                            m32[ni] = sparseM32[s][oi];
                            v32[ni] = sparseV32[s][oi];
                        } else {
                            m16[ni] = sparseM16[s][oi];
                            v16[ni] = sparseV16[s][oi];
                        }
                        oi++;
                        ni++;
                    } else if (a < b) {
                        oi++;
                    } else {
                        ni++;
                    }
                }
            }
        }
        sparseM32[s] = m32;
        sparseV32[s] = v32;
        sparseM16[s] = m16;
        sparseV16[s] = v16;
    }

    @Override
    public int maskLength(int s) {
        return mask[s].length;
    }

    @Override
    public void readMask(int s, char[] out) {
        System.arraycopy(mask[s], 0, out, 0, mask[s].length);
    }

    @Override
    public void readMoments(boolean sparse, int index, float[] m, float[] v) {
        if (stateType == StateType.FP32) {
            float[] ms = sparse ? sparseM32[index] : denseM32[index];
            float[] vs = sparse ? sparseV32[index] : denseV32[index];
            System.arraycopy(ms, 0, m, 0, ms.length);
            System.arraycopy(vs, 0, v, 0, vs.length);
        } else {
            short[] ms = sparse ? sparseM16[index] : denseM16[index];
            short[] vs = sparse ? sparseV16[index] : denseV16[index];
            for (int i = 0; i < ms.length; i++) {
                m[i] = SpecMath.bf16ToFloat(ms[i]);
                v[i] = SpecMath.bf16ToFloat(vs[i]);
            }
        }
    }

    @Override
    public void writeSparse(int s, char[] newMask, int full, int last, float[] m, float[] v) {
        mask[s] = newMask.clone();
        kFull[s] = full;
        kLast[s] = last;
        allocateSparse(s, newMask.length);
        store(m, v, sparseM32[s], sparseV32[s], sparseM16[s], sparseV16[s]);
    }

    @Override
    public void writeDense(int d, float[] m, float[] v) {
        store(m, v, denseM32[d], denseV32[d], denseM16[d], denseV16[d]);
    }

    private void store(float[] m, float[] v, float[] m32, float[] v32, short[] m16, short[] v16) {
        if (stateType == StateType.FP32) {
            System.arraycopy(m, 0, m32, 0, m32.length);
            System.arraycopy(v, 0, v32, 0, v32.length);
        } else {
            for (int i = 0; i < m16.length; i++) {
                m16[i] = SpecMath.bf16(m[i]);
                v16[i] = SpecMath.bf16(v[i]);
            }
        }
    }

    @Override
    public long allocatedStateBytes() {
        long bytes = 0;
        int s = stateType.bytes();
        for (int i = 0; i < mask.length; i++) {
            int m = stateType == StateType.FP32 ? sparseM32[i].length + sparseV32[i].length
                    : sparseM16[i].length + sparseV16[i].length;
            bytes += 2L * mask[i].length + (long) s * m;
        }
        for (int i = 0; i < denseN.length; i++) {
            int m = stateType == StateType.FP32 ? denseM32[i].length + denseV32[i].length
                    : denseM16[i].length + denseV16[i].length;
            bytes += (long) s * m;
        }
        return bytes;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        mask = null;
        pending = null;
        sparseM32 = sparseV32 = denseM32 = denseV32 = null;
        sparseM16 = sparseV16 = denseM16 = denseV16 = null;
    }
}
