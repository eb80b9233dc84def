package dev.nanoadam.models.math;

import dev.nanoadam.cpu.WorkerPool;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 matrix multiply {@code C (+)= op(A) * op(B) (+ bias)} on all cores.
 *
 * <p>Row-major matrices with leading dimensions, as BLAS {@code sgemm} with {@code alpha = 1}:
 * {@code op(A)} is {@code m x k} (stored {@code m x k}, or {@code k x m} when {@code transA}),
 * {@code op(B)} is {@code k x n} (stored {@code k x n}, or {@code n x k} when {@code transB}),
 * {@code C} is {@code m x n}. {@code C} must not overlap {@code A} or {@code B}.
 *
 * <p>Structure (the classic Goto/BLIS scheme): the product is cut into blocks of at most
 * {@code MB x NB} of C and {@code KB} of the inner dimension. For each block, the slice of A is
 * packed into row panels of {@link #MR} rows (each row's depth contiguous, rows
 * {@code PANEL_STRIDE} apart) and the slice of B into column panels of {@link #NR} columns (depth
 * by depth, NR floats each), both zero-padded at the edges.
 * The block's C is then cut into tiles of about 192 x 256 that stay in L2; for each tile, in
 * steps of {@code KC} of depth, every {@code MR x NR} piece of C is updated by one
 * register-resident micro-kernel call. In the parallel path packing and tiles are spread over
 * {@link WorkerPool}; called from inside a pool loop, the same code runs on the calling worker
 * alone with that worker's own buffers.
 *
 * <p>Every element of C is computed by the same sequence of float operations on every path:
 * for each {@code KC} run of depth in order, an FMA chain {@code acc = fma(a, b, acc)} from zero,
 * then {@code C = acc (+ bias) (+ C)} for the first run and {@code C = acc + C} for the others.
 * Results are therefore bit-identical across thread counts, vector widths and the scalar path.
 * Workspaces grow to the largest problem seen and are then reused: no allocation per call.
 */
public final class Gemm {
    /**
     * Rows of the micro-kernel's tile of C: 12 where the CPU has 32 vector registers, which we
     * infer from a preferred width of 512 bits (AVX-512) or from an ARM CPU; else 6.
     */
    public static final int MR = Simd.SCALAR ? 8 : (Simd.WIDE_REGISTER_FILE ? 12 : 6);
    /** Columns of the micro-kernel's tile of C: two vectors. */
    public static final int NR = Simd.SCALAR ? 8 : 2 * Simd.LANES;

    private static final VectorSpecies<Float> S = Simd.FLOAT;
    private static final int L = Simd.LANES;

    /**
     * Inner-dimension depth of one micro-kernel call, and so the length of each FMA chain before it
     * is added into C (part of the summation order above). A {@code KC x NR} B panel is 32 KiB at
     * NR = 32: it stays in a 48 KiB L1 and streams from L2 where L1 is 32 KiB.
     */
    static final int KC = 256;
    /**
     * Rows of C per packed block: 1024 rounded up to a multiple of MR, so that 1024 rows are one
     * block; bounds packed A at {@code MB * PANEL_STRIDE} floats.
     */
    static final int MB = (1024 + MR - 1) / MR * MR;
    /** Columns of C per packed block (a multiple of every NR); bounds packed B at {@code KB * NB}. */
    static final int NB = 1024;
    /** Inner dimension per packed block (a multiple of KC): C is re-read from memory once per KB. */
    static final int KB = 2048;
    /**
     * Distance between the rows of a packed A panel. A compile-time constant, so the kernel's
     * MR row reads are one index plus constant displacements. Odd, so that the rows start at
     * different offsets within their cache lines: with a multiple of 16 the kernel's MR
     * same-offset reads per step ran about 10% slower here (measured on an AVX-512 Xeon).
     */
    static final int PANEL_STRIDE = KB + 17;
    /** Rows of C per tile, in MR panels: one tile's C, A and B slices stay in L2 while KC steps. */
    static final int TILE_PANELS_M = 16;
    /** Columns of C per tile, about 256. */
    static final int TILE_PANELS_N = Math.max(1, 256 / NR);
    /** Below this many multiply-adds one thread is faster than waking the pool. */
    static final long PARALLEL_MIN = 1L << 18;

    private static final int THREADS = WorkerPool.shared().size();

    // Per-worker buffers for the serial path: packed A [MB*PANEL_STRIDE], packed B [KB*NB] (grown on
    // demand), an edge tile [MR*NR] and the scalar kernel's accumulator [MR*NR].
    private static final float[][] WORKER_A = new float[THREADS][];
    private static final float[][] WORKER_B = new float[THREADS][];
    private static final float[][] WORKER_EDGE = new float[THREADS][];
    private static final float[][] WORKER_ACC = new float[THREADS][];

    // Shared packed buffers of the parallel path: [MB*PANEL_STRIDE] and [KB*NB], grown on demand.
    private static float[] sharedA = new float[0];
    private static float[] sharedB = new float[0];

    static {
        for (int i = 0; i < THREADS; i++) {
            WORKER_A[i] = new float[0];
            WORKER_B[i] = new float[0];
            WORKER_EDGE[i] = new float[MR * NR];
            WORKER_ACC[i] = new float[MR * NR];
        }
    }

    // The parallel call in progress (the pool lock serialises calls; the pool publishes these).
    private static boolean pTransA;
    private static boolean pTransB;
    private static int pM;
    private static int pN;
    private static float[] pA;
    private static int pAOff;
    private static int pLda;
    private static float[] pB;
    private static int pBOff;
    private static int pLdb;
    private static float[] pC;
    private static int pCOff;
    private static int pLdc;
    private static boolean pAdd;
    private static float[] pBias;
    private static int pBiasOff;
    // The block in progress: rows [i0, i0+mb), columns [j0, j0+nb), inner [p0, p0+kb).
    private static int bI0;
    private static int bMb;
    private static int bJ0;
    private static int bNb;
    private static int bP0;
    private static int bKb;
    private static int packTasksA;
    private static int tilePanelsM;
    private static int tilePanelsN;
    private static int tilesM;

    /** Depths transposed together while packing: one 64-byte line of each source row. */
    private static final int PACK_RUN = 16;
    /** Row panels of A packed by one parallel packing task. */
    private static final int PACK_PANELS_A = 8;
    /** Column panels of B packed by one parallel packing task. */
    private static final int PACK_PANELS_B = 4;

    private static final WorkerPool.Job PACK = (task, worker) -> {
        int kb = bKb;
        if (task < packTasksA) {
            int panels = (bMb + MR - 1) / MR;
            int from = task * PACK_PANELS_A;
            int to = Math.min(panels, from + PACK_PANELS_A);
            packA(pTransA, pA, pAOff, pLda, pM, bI0, bP0, kb, from, to, sharedA);
        } else {
            int panels = (bNb + NR - 1) / NR;
            int from = (task - packTasksA) * PACK_PANELS_B;
            int to = Math.min(panels, from + PACK_PANELS_B);
            packB(pTransB, pB, pBOff, pLdb, pN, bJ0, bP0, kb, from, to, sharedB);
        }
    };

    private static final WorkerPool.Job COMPUTE = (task, worker) -> {
        int tm = task % tilesM;
        int tn = task / tilesM;
        int panelsM = (bMb + MR - 1) / MR;
        int panelsN = (bNb + NR - 1) / NR;
        int ipFrom = tm * tilePanelsM;
        int jpFrom = tn * tilePanelsN;
        boolean first = bP0 == 0;
        computeTiles(bKb, sharedA, sharedB, ipFrom, Math.min(panelsM, ipFrom + tilePanelsM),
                jpFrom, Math.min(panelsN, jpFrom + tilePanelsN), bI0, bJ0, pM, pN,
                pC, pCOff, pLdc, first ? pAdd : true, first ? pBias : null, pBiasOff, worker);
    };

    private Gemm() {
    }

    /** {@code C = A * B} for dense row-major {@code A[m x k]}, {@code B[k x n]}, {@code C[m x n]}. */
    public static void multiply(int m, int n, int k, float[] a, float[] b, float[] c) {
        gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false, null);
    }

    /**
     * {@code C = op(A) op(B)}, or {@code C += op(A) op(B)} when {@code accumulate}.
     *
     * @throws IllegalArgumentException on a negative size, a leading dimension smaller than a
     *     row, or an offset and shape that run past an array's end
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, null);
    }

    /**
     * {@code C = op(A) op(B) + bias}, or {@code C += op(A) op(B) + bias} when {@code accumulate};
     * {@code bias} (length at least n, may be null) is added to every row.
     *
     * @throws IllegalArgumentException on a negative size, a leading dimension smaller than a
     *     row, or an offset and shape that run past an array's end
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate, float[] bias) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", a, aOff, transA ? k : m, transA ? m : k, lda);
        checkMatrix("B", b, bOff, transB ? n : k, transB ? k : n, ldb);
        checkMatrix("C", c, cOff, m, n, ldc);
        if (bias != null && bias.length < n) {
            throw new IllegalArgumentException("gemm: bias has " + bias.length + " elements, needs n=" + n);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    float v = bias == null ? 0f : bias[j];
                    c[row + j] = accumulate ? c[row + j] + v : v;
                }
            }
            return;
        }
        int worker = WorkerPool.shared().currentWorker();
        if (worker >= 0) {
            serial(worker, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, bias);
            return;
        }
        WorkerPool.shared().acquire();
        try {
            if (THREADS == 1 || (long) m * n * k < PARALLEL_MIN) {
                serial(0, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, bias);
            } else {
                parallel(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, bias);
            }
        } finally {
            WorkerPool.shared().release();
        }
    }

    /**
     * Grows every worker's buffers so that later products of at most {@code m x n x k} run from
     * inside pool loops without allocating, whichever worker runs them. Call it before such a
     * loop, from outside any loop.
     *
     * @throws IllegalStateException when called from inside a pool loop
     */
    public static void reserve(int m, int n, int k) {
        if (WorkerPool.shared().currentWorker() >= 0) {
            throw new IllegalStateException("Gemm.reserve must be called outside pool loops");
        }
        int needA = roundUp(Math.min(Math.max(m, 1), MB), MR) * PANEL_STRIDE;
        int needB = roundUp(Math.min(Math.max(n, 1), NB), NR) * Math.min(Math.max(k, 1), KB);
        WorkerPool.shared().acquire();
        try {
            for (int w = 0; w < THREADS; w++) {
                if (WORKER_A[w].length < needA) {
                    WORKER_A[w] = new float[needA];
                }
                if (WORKER_B[w].length < needB) {
                    WORKER_B[w] = new float[needB];
                }
            }
        } finally {
            WorkerPool.shared().release();
        }
    }

    private static void checkMatrix(String name, float[] x, int off, int rows, int cols, int ld) {
        if (x == null) {
            throw new IllegalArgumentException("gemm: matrix " + name + " is null");
        }
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("gemm: leading dimension of " + name + " is " + ld
                    + ", smaller than its row length " + cols);
        }
        if (off < 0) {
            throw new IllegalArgumentException("gemm: offset of " + name + " is negative: " + off);
        }
        if (rows > 0 && cols > 0) {
            long end = off + (long) (rows - 1) * ld + cols;
            if (end > x.length) {
                throw new IllegalArgumentException("gemm: " + name + " is " + rows + " x " + cols + " with leading"
                        + " dimension " + ld + " at offset " + off + ", needing " + end + " elements, but the"
                        + " array has " + x.length);
            }
        }
    }

    private static void serial(int worker, boolean transA, boolean transB, int m, int n, int k,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, boolean accumulate, float[] bias) {
        int needA = roundUp(Math.min(m, MB), MR) * PANEL_STRIDE;
        int needB = roundUp(Math.min(n, NB), NR) * Math.min(k, KB);
        if (WORKER_A[worker].length < needA) {
            WORKER_A[worker] = new float[needA];
        }
        if (WORKER_B[worker].length < needB) {
            WORKER_B[worker] = new float[needB];
        }
        float[] ap = WORKER_A[worker];
        float[] bp = WORKER_B[worker];
        for (int j0 = 0; j0 < n; j0 += NB) {
            int nb = Math.min(NB, n - j0);
            int panelsN = (nb + NR - 1) / NR;
            for (int p0 = 0; p0 < k; p0 += KB) {
                int kb = Math.min(KB, k - p0);
                boolean first = p0 == 0;
                packB(transB, b, bOff, ldb, n, j0, p0, kb, 0, panelsN, bp);
                for (int i0 = 0; i0 < m; i0 += MB) {
                    int mb = Math.min(MB, m - i0);
                    int panelsM = (mb + MR - 1) / MR;
                    packA(transA, a, aOff, lda, m, i0, p0, kb, 0, panelsM, ap);
                    for (int ip = 0; ip < panelsM; ip += TILE_PANELS_M) {
                        for (int jp = 0; jp < panelsN; jp += TILE_PANELS_N) {
                            computeTiles(kb, ap, bp, ip, Math.min(panelsM, ip + TILE_PANELS_M),
                                    jp, Math.min(panelsN, jp + TILE_PANELS_N), i0, j0, m, n, c, cOff, ldc,
                                    first ? accumulate : true, first ? bias : null, 0, worker);
                        }
                    }
                }
            }
        }
    }

    private static void parallel(boolean transA, boolean transB, int m, int n, int k,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] c, int cOff, int ldc, boolean accumulate, float[] bias) {
        int needA = roundUp(Math.min(m, MB), MR) * PANEL_STRIDE;
        int needB = roundUp(Math.min(n, NB), NR) * Math.min(k, KB);
        if (sharedA.length < needA) {
            sharedA = new float[needA];
        }
        if (sharedB.length < needB) {
            sharedB = new float[needB];
        }
        pTransA = transA;
        pTransB = transB;
        pM = m;
        pN = n;
        pA = a;
        pAOff = aOff;
        pLda = lda;
        pB = b;
        pBOff = bOff;
        pLdb = ldb;
        pC = c;
        pCOff = cOff;
        pLdc = ldc;
        pAdd = accumulate;
        pBias = bias;
        pBiasOff = 0;
        try {
            // B's block is packed once and serves every block of rows (the order of the serial path).
            for (int j0 = 0; j0 < n; j0 += NB) {
                int nb = Math.min(NB, n - j0);
                int panelsN = (nb + NR - 1) / NR;
                for (int p0 = 0; p0 < k; p0 += KB) {
                    for (int i0 = 0; i0 < m; i0 += MB) {
                        int mb = Math.min(MB, m - i0);
                        int panelsM = (mb + MR - 1) / MR;
                        chooseTiles(panelsM, panelsN);
                        bI0 = i0;
                        bMb = mb;
                        bJ0 = j0;
                        bNb = nb;
                        bP0 = p0;
                        bKb = Math.min(KB, k - p0);
                        packTasksA = (panelsM + PACK_PANELS_A - 1) / PACK_PANELS_A;
                        int packTasksB = i0 == 0 ? (panelsN + PACK_PANELS_B - 1) / PACK_PANELS_B : 0;
                        WorkerPool.shared().run(packTasksA + packTasksB, PACK);
                        WorkerPool.shared().run(tilesM * ((panelsN + tilePanelsN - 1) / tilePanelsN), COMPUTE);
                    }
                }
            }
        } finally {
            pA = null;
            pB = null;
            pC = null;
            pBias = null;
        }
    }

    /** Picks tile sizes (in panels) that give every worker a few tiles. */
    private static void chooseTiles(int panelsM, int panelsN) {
        int tm = TILE_PANELS_M;
        int tn = TILE_PANELS_N;
        int want = 3 * THREADS;
        while (ceilDiv(panelsM, tm) * ceilDiv(panelsN, tn) < want && (tm > 2 || tn > 1)) {
            if (tm >= 2 * tn && tm > 2 || tn == 1) {
                tm /= 2;
            } else {
                tn /= 2;
            }
        }
        tilePanelsM = tm;
        tilePanelsN = tn;
        tilesM = ceilDiv(panelsM, tm);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }

    /**
     * Packs row panels [from, to) of op(A)[i0.., p0..p0+kc) into {@code dst}: panel ip at
     * {@code ip*MR*PANEL_STRIDE}, element (r, p) at {@code r*PANEL_STRIDE + p}; rows past m are
     * zero. Each row's run of depth is contiguous, so the micro-kernel can start at any depth.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int m, int i0, int p0, int kc,
                      int from, int to, float[] dst) {
        for (int ip = from; ip < to; ip++) {
            int row0 = i0 + ip * MR;
            int rows = Math.min(MR, m - row0);
            int d = ip * MR * PANEL_STRIDE;
            if (!transA) {
                // op(A)(i, p) = a[i*lda + p]: each row is one contiguous copy.
                for (int r = 0; r < MR; r++) {
                    int o = d + r * PANEL_STRIDE;
                    if (r < rows) {
                        System.arraycopy(a, aOff + (row0 + r) * lda + p0, dst, o, kc);
                    } else {
                        java.util.Arrays.fill(dst, o, o + kc, 0f);
                    }
                }
            } else {
                // op(A)(i, p) = a[p*lda + i]: a transpose of a kc x MR strip; MR sequential
                // write streams, one source line per depth.
                for (int r = rows; r < MR; r++) {
                    java.util.Arrays.fill(dst, d + r * PANEL_STRIDE, d + r * PANEL_STRIDE + kc, 0f);
                }
                int src = aOff + p0 * lda + row0;
                for (int p = 0; p < kc; p++, src += lda) {
                    int o = d + p;
                    for (int r = 0; r < rows; r++) {
                        dst[o + r * PANEL_STRIDE] = a[src + r];
                    }
                }
            }
        }
    }

    /**
     * Packs column panels [from, to) of op(B)[p0..p0+kc, j0..) into {@code dst}: panel jp at
     * {@code jp*NR*kc}, element (p, j) at {@code p*NR + j}; columns past n are zero.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int n, int j0, int p0, int kc,
                      int from, int to, float[] dst) {
        for (int jp = from; jp < to; jp++) {
            int col0 = j0 + jp * NR;
            int cols = Math.min(NR, n - col0);
            int d = jp * NR * kc;
            if (!transB) {
                // op(B)(p, j) = b[p*ldb + j]: NR consecutive floats per p.
                int src = bOff + p0 * ldb + col0;
                if (cols == NR && !Simd.SCALAR) {
                    for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                        FloatVector.fromArray(S, b, src).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb, d += NR) {
                        int j = 0;
                        for (; j < cols; j++) {
                            dst[d + j] = b[src + j];
                        }
                        for (; j < NR; j++) {
                            dst[d + j] = 0f;
                        }
                    }
                }
            } else {
                // op(B)(p, j) = b[j*ldb + p]: a transpose of a kc x NR strip, in runs of PACK_RUN.
                int base = bOff + col0 * ldb + p0;
                for (int q = 0; q < kc; q += PACK_RUN) {
                    int len = Math.min(PACK_RUN, kc - q);
                    for (int j = 0; j < NR; j++) {
                        int o = d + q * NR + j;
                        if (j < cols) {
                            int src = base + j * ldb + q;
                            for (int p = 0; p < len; p++) {
                                dst[o + p * NR] = b[src + p];
                            }
                        } else {
                            for (int p = 0; p < len; p++) {
                                dst[o + p * NR] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Updates the C tiles of panels [ipFrom, ipTo) x [jpFrom, jpTo) of the current block with its
     * packed depth {@code kb}, in steps of KC so that this tile's C stays in cache between steps.
     */
    private static void computeTiles(int kb, float[] ap, float[] bp, int ipFrom, int ipTo, int jpFrom, int jpTo,
                                     int i0, int j0, int m, int n, float[] c, int cOff, int ldc,
                                     boolean add, float[] bias, int biasOff, int worker) {
        float[] edge = WORKER_EDGE[worker];
        float[] acc = WORKER_ACC[worker];
        for (int pc = 0; pc < kb; pc += KC) {
            int kc = Math.min(KC, kb - pc);
            boolean addHere = pc == 0 ? add : true;
            float[] biasHere = pc == 0 ? bias : null;
            for (int jp = jpFrom; jp < jpTo; jp++) {
                int col = j0 + jp * NR;
                int cols = Math.min(NR, n - col);
                int bi = jp * NR * kb + pc * NR;
                for (int ip = ipFrom; ip < ipTo; ip++) {
                    int row = i0 + ip * MR;
                    int rows = Math.min(MR, m - row);
                    int ai = ip * MR * PANEL_STRIDE + pc;
                    if (rows == MR && cols == NR) {
                        int ci = cOff + row * ldc + col;
                        if (Simd.SCALAR) {
                            kernelScalar(kc, ap, ai, bp, bi, c, ci, ldc, addHere, biasHere, biasOff + col, acc);
                        } else if (MR == 12) {
                            kernel12x2(kc, ap, ai, bp, bi, c, ci, ldc, addHere, biasHere, biasOff + col);
                        } else {
                            kernel6x2(kc, ap, ai, bp, bi, c, ci, ldc, addHere, biasHere, biasOff + col);
                        }
                    } else {
                        if (Simd.SCALAR) {
                            kernelScalar(kc, ap, ai, bp, bi, edge, 0, NR, false, null, 0, acc);
                        } else if (MR == 12) {
                            kernel12x2(kc, ap, ai, bp, bi, edge, 0, NR, false, null, 0);
                        } else {
                            kernel6x2(kc, ap, ai, bp, bi, edge, 0, NR, false, null, 0);
                        }
                        for (int r = 0; r < rows; r++) {
                            int ci = cOff + (row + r) * ldc + col;
                            for (int j = 0; j < cols; j++) {
                                float v = edge[r * NR + j];
                                if (biasHere != null) {
                                    v += biasHere[biasOff + col + j];
                                }
                                if (addHere) {
                                    v += c[ci + j];
                                }
                                c[ci + j] = v;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The micro-kernels: an MR x NR tile of C from a packed A panel and a packed B panel. Each
     * keeps all its accumulators in one method so that they stay in registers (a vector passed
     * to or returned from a method the JIT does not inline is boxed). Twelve rows use 24
     * accumulators and need 32 vector registers (AVX-512, NEON); six rows fit in 16 (AVX2).
     */
    private static void kernel12x2(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc,
                                   boolean add, float[] bias, int bo) {
        FloatVector c0lo = FloatVector.zero(S);
        FloatVector c0hi = c0lo;
        FloatVector c1lo = c0lo;
        FloatVector c1hi = c0lo;
        FloatVector c2lo = c0lo;
        FloatVector c2hi = c0lo;
        FloatVector c3lo = c0lo;
        FloatVector c3hi = c0lo;
        FloatVector c4lo = c0lo;
        FloatVector c4hi = c0lo;
        FloatVector c5lo = c0lo;
        FloatVector c5hi = c0lo;
        FloatVector c6lo = c0lo;
        FloatVector c6hi = c0lo;
        FloatVector c7lo = c0lo;
        FloatVector c7hi = c0lo;
        FloatVector c8lo = c0lo;
        FloatVector c8hi = c0lo;
        FloatVector c9lo = c0lo;
        FloatVector c9hi = c0lo;
        FloatVector c10lo = c0lo;
        FloatVector c10hi = c0lo;
        FloatVector c11lo = c0lo;
        FloatVector c11hi = c0lo;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p;
            int bj = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bj);
            FloatVector b1 = FloatVector.fromArray(S, b, bj + L);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c0lo = x.fma(b0, c0lo);
            c0hi = x.fma(b1, c0hi);
            x = FloatVector.broadcast(S, a[ao + 1 * PANEL_STRIDE]);
            c1lo = x.fma(b0, c1lo);
            c1hi = x.fma(b1, c1hi);
            x = FloatVector.broadcast(S, a[ao + 2 * PANEL_STRIDE]);
            c2lo = x.fma(b0, c2lo);
            c2hi = x.fma(b1, c2hi);
            x = FloatVector.broadcast(S, a[ao + 3 * PANEL_STRIDE]);
            c3lo = x.fma(b0, c3lo);
            c3hi = x.fma(b1, c3hi);
            x = FloatVector.broadcast(S, a[ao + 4 * PANEL_STRIDE]);
            c4lo = x.fma(b0, c4lo);
            c4hi = x.fma(b1, c4hi);
            x = FloatVector.broadcast(S, a[ao + 5 * PANEL_STRIDE]);
            c5lo = x.fma(b0, c5lo);
            c5hi = x.fma(b1, c5hi);
            x = FloatVector.broadcast(S, a[ao + 6 * PANEL_STRIDE]);
            c6lo = x.fma(b0, c6lo);
            c6hi = x.fma(b1, c6hi);
            x = FloatVector.broadcast(S, a[ao + 7 * PANEL_STRIDE]);
            c7lo = x.fma(b0, c7lo);
            c7hi = x.fma(b1, c7hi);
            x = FloatVector.broadcast(S, a[ao + 8 * PANEL_STRIDE]);
            c8lo = x.fma(b0, c8lo);
            c8hi = x.fma(b1, c8hi);
            x = FloatVector.broadcast(S, a[ao + 9 * PANEL_STRIDE]);
            c9lo = x.fma(b0, c9lo);
            c9hi = x.fma(b1, c9hi);
            x = FloatVector.broadcast(S, a[ao + 10 * PANEL_STRIDE]);
            c10lo = x.fma(b0, c10lo);
            c10hi = x.fma(b1, c10hi);
            x = FloatVector.broadcast(S, a[ao + 11 * PANEL_STRIDE]);
            c11lo = x.fma(b0, c11lo);
            c11hi = x.fma(b1, c11hi);
        }
        if (bias != null) {
            FloatVector v0 = FloatVector.fromArray(S, bias, bo);
            FloatVector v1 = FloatVector.fromArray(S, bias, bo + L);
            c0lo = c0lo.add(v0);
            c0hi = c0hi.add(v1);
            c1lo = c1lo.add(v0);
            c1hi = c1hi.add(v1);
            c2lo = c2lo.add(v0);
            c2hi = c2hi.add(v1);
            c3lo = c3lo.add(v0);
            c3hi = c3hi.add(v1);
            c4lo = c4lo.add(v0);
            c4hi = c4hi.add(v1);
            c5lo = c5lo.add(v0);
            c5hi = c5hi.add(v1);
            c6lo = c6lo.add(v0);
            c6hi = c6hi.add(v1);
            c7lo = c7lo.add(v0);
            c7hi = c7hi.add(v1);
            c8lo = c8lo.add(v0);
            c8hi = c8hi.add(v1);
            c9lo = c9lo.add(v0);
            c9hi = c9hi.add(v1);
            c10lo = c10lo.add(v0);
            c10hi = c10hi.add(v1);
            c11lo = c11lo.add(v0);
            c11hi = c11hi.add(v1);
        }
        if (add) {
            c0lo = c0lo.add(FloatVector.fromArray(S, c, ci));
            c0hi = c0hi.add(FloatVector.fromArray(S, c, ci + L));
            c1lo = c1lo.add(FloatVector.fromArray(S, c, ci + 1 * ldc));
            c1hi = c1hi.add(FloatVector.fromArray(S, c, ci + 1 * ldc + L));
            c2lo = c2lo.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
            c2hi = c2hi.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L));
            c3lo = c3lo.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
            c3hi = c3hi.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L));
            c4lo = c4lo.add(FloatVector.fromArray(S, c, ci + 4 * ldc));
            c4hi = c4hi.add(FloatVector.fromArray(S, c, ci + 4 * ldc + L));
            c5lo = c5lo.add(FloatVector.fromArray(S, c, ci + 5 * ldc));
            c5hi = c5hi.add(FloatVector.fromArray(S, c, ci + 5 * ldc + L));
            c6lo = c6lo.add(FloatVector.fromArray(S, c, ci + 6 * ldc));
            c6hi = c6hi.add(FloatVector.fromArray(S, c, ci + 6 * ldc + L));
            c7lo = c7lo.add(FloatVector.fromArray(S, c, ci + 7 * ldc));
            c7hi = c7hi.add(FloatVector.fromArray(S, c, ci + 7 * ldc + L));
            c8lo = c8lo.add(FloatVector.fromArray(S, c, ci + 8 * ldc));
            c8hi = c8hi.add(FloatVector.fromArray(S, c, ci + 8 * ldc + L));
            c9lo = c9lo.add(FloatVector.fromArray(S, c, ci + 9 * ldc));
            c9hi = c9hi.add(FloatVector.fromArray(S, c, ci + 9 * ldc + L));
            c10lo = c10lo.add(FloatVector.fromArray(S, c, ci + 10 * ldc));
            c10hi = c10hi.add(FloatVector.fromArray(S, c, ci + 10 * ldc + L));
            c11lo = c11lo.add(FloatVector.fromArray(S, c, ci + 11 * ldc));
            c11hi = c11hi.add(FloatVector.fromArray(S, c, ci + 11 * ldc + L));
        }
        c0lo.intoArray(c, ci);
        c0hi.intoArray(c, ci + L);
        c1lo.intoArray(c, ci + 1 * ldc);
        c1hi.intoArray(c, ci + 1 * ldc + L);
        c2lo.intoArray(c, ci + 2 * ldc);
        c2hi.intoArray(c, ci + 2 * ldc + L);
        c3lo.intoArray(c, ci + 3 * ldc);
        c3hi.intoArray(c, ci + 3 * ldc + L);
        c4lo.intoArray(c, ci + 4 * ldc);
        c4hi.intoArray(c, ci + 4 * ldc + L);
        c5lo.intoArray(c, ci + 5 * ldc);
        c5hi.intoArray(c, ci + 5 * ldc + L);
        c6lo.intoArray(c, ci + 6 * ldc);
        c6hi.intoArray(c, ci + 6 * ldc + L);
        c7lo.intoArray(c, ci + 7 * ldc);
        c7hi.intoArray(c, ci + 7 * ldc + L);
        c8lo.intoArray(c, ci + 8 * ldc);
        c8hi.intoArray(c, ci + 8 * ldc + L);
        c9lo.intoArray(c, ci + 9 * ldc);
        c9hi.intoArray(c, ci + 9 * ldc + L);
        c10lo.intoArray(c, ci + 10 * ldc);
        c10hi.intoArray(c, ci + 10 * ldc + L);
        c11lo.intoArray(c, ci + 11 * ldc);
        c11hi.intoArray(c, ci + 11 * ldc + L);
    }

    private static void kernel6x2(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc,
                                   boolean add, float[] bias, int bo) {
        FloatVector c0lo = FloatVector.zero(S);
        FloatVector c0hi = c0lo;
        FloatVector c1lo = c0lo;
        FloatVector c1hi = c0lo;
        FloatVector c2lo = c0lo;
        FloatVector c2hi = c0lo;
        FloatVector c3lo = c0lo;
        FloatVector c3hi = c0lo;
        FloatVector c4lo = c0lo;
        FloatVector c4hi = c0lo;
        FloatVector c5lo = c0lo;
        FloatVector c5hi = c0lo;
        for (int p = 0; p < kc; p++) {
            int ao = ai + p;
            int bj = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bj);
            FloatVector b1 = FloatVector.fromArray(S, b, bj + L);
            FloatVector x = FloatVector.broadcast(S, a[ao]);
            c0lo = x.fma(b0, c0lo);
            c0hi = x.fma(b1, c0hi);
            x = FloatVector.broadcast(S, a[ao + 1 * PANEL_STRIDE]);
            c1lo = x.fma(b0, c1lo);
            c1hi = x.fma(b1, c1hi);
            x = FloatVector.broadcast(S, a[ao + 2 * PANEL_STRIDE]);
            c2lo = x.fma(b0, c2lo);
            c2hi = x.fma(b1, c2hi);
            x = FloatVector.broadcast(S, a[ao + 3 * PANEL_STRIDE]);
            c3lo = x.fma(b0, c3lo);
            c3hi = x.fma(b1, c3hi);
            x = FloatVector.broadcast(S, a[ao + 4 * PANEL_STRIDE]);
            c4lo = x.fma(b0, c4lo);
            c4hi = x.fma(b1, c4hi);
            x = FloatVector.broadcast(S, a[ao + 5 * PANEL_STRIDE]);
            c5lo = x.fma(b0, c5lo);
            c5hi = x.fma(b1, c5hi);
        }
        if (bias != null) {
            FloatVector v0 = FloatVector.fromArray(S, bias, bo);
            FloatVector v1 = FloatVector.fromArray(S, bias, bo + L);
            c0lo = c0lo.add(v0);
            c0hi = c0hi.add(v1);
            c1lo = c1lo.add(v0);
            c1hi = c1hi.add(v1);
            c2lo = c2lo.add(v0);
            c2hi = c2hi.add(v1);
            c3lo = c3lo.add(v0);
            c3hi = c3hi.add(v1);
            c4lo = c4lo.add(v0);
            c4hi = c4hi.add(v1);
            c5lo = c5lo.add(v0);
            c5hi = c5hi.add(v1);
        }
        if (add) {
            c0lo = c0lo.add(FloatVector.fromArray(S, c, ci));
            c0hi = c0hi.add(FloatVector.fromArray(S, c, ci + L));
            c1lo = c1lo.add(FloatVector.fromArray(S, c, ci + 1 * ldc));
            c1hi = c1hi.add(FloatVector.fromArray(S, c, ci + 1 * ldc + L));
            c2lo = c2lo.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
            c2hi = c2hi.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L));
            c3lo = c3lo.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
            c3hi = c3hi.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L));
            c4lo = c4lo.add(FloatVector.fromArray(S, c, ci + 4 * ldc));
            c4hi = c4hi.add(FloatVector.fromArray(S, c, ci + 4 * ldc + L));
            c5lo = c5lo.add(FloatVector.fromArray(S, c, ci + 5 * ldc));
            c5hi = c5hi.add(FloatVector.fromArray(S, c, ci + 5 * ldc + L));
        }
        c0lo.intoArray(c, ci);
        c0hi.intoArray(c, ci + L);
        c1lo.intoArray(c, ci + 1 * ldc);
        c1hi.intoArray(c, ci + 1 * ldc + L);
        c2lo.intoArray(c, ci + 2 * ldc);
        c2hi.intoArray(c, ci + 2 * ldc + L);
        c3lo.intoArray(c, ci + 3 * ldc);
        c3hi.intoArray(c, ci + 3 * ldc + L);
        c4lo.intoArray(c, ci + 4 * ldc);
        c4hi.intoArray(c, ci + 4 * ldc + L);
        c5lo.intoArray(c, ci + 5 * ldc);
        c5hi.intoArray(c, ci + 5 * ldc + L);
    }


    /** The scalar path's micro-kernel, same contract as {@link #kernel12x2}; {@code acc} is MR*NR scratch. */
    private static void kernelScalar(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc,
                                     boolean add, float[] bias, int bo, float[] acc) {
        Arrays.fill(acc, 0f);
        for (int p = 0; p < kc; p++, bi += NR) {
            for (int r = 0; r < MR; r++) {
                float x = a[ai + r * PANEL_STRIDE + p];
                int o = r * NR;
                for (int j = 0; j < NR; j++) {
                    acc[o + j] = Math.fma(x, b[bi + j], acc[o + j]);
                }
            }
        }
        for (int r = 0; r < MR; r++) {
            int o = ci + r * ldc;
            for (int j = 0; j < NR; j++) {
                float v = acc[r * NR + j];
                if (bias != null) {
                    v += bias[bo + j];
                }
                if (add) {
                    v += c[o + j];
                }
                c[o + j] = v;
            }
        }
    }
}
