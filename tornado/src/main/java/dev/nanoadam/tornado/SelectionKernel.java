package dev.nanoadam.tornado;

import dev.nanoadam.spi.SpecMath;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Chunked bottom-k (SPEC.md §4) as Java that TornadoVM compiles for the device: one work-item per
 * chunk.
 * <pre>
 *   bits[n] (raw float bits of w, or of g for LARGEST_GRADIENT; unread for RANDOM)
 *     -> per chunk c: key(i) for i in the chunk, ascending in the order the criterion defines
 *     -> T = the smallest key with #{key &lt;= T} >= K_c        (31 counting passes, a bisection)
 *     -> one pass in index order: take key &lt; T, and key == T while fewer than K_c are taken
 *     -> mask[c * kFull ...] = the taken chunk-local indices, ascending (unsigned 16-bit)
 * </pre>
 * The bisection needs no per-chunk scratch (no local memory, no {@code @Reduce}), so every chunk
 * size the reference accepts runs on every device; ties go to the lower index because the final
 * pass walks indices in ascending order.
 */
final class SelectionKernel {
    private SelectionKernel() {
    }

    // ctl[] fields.
    static final int N = 0;
    static final int CHUNK = 1;
    static final int CHUNKS = 2;
    static final int K_FULL = 3;
    static final int K_LAST = 4;
    static final int CRITERION = 5;
    static final int RANDOM_HI = 6;
    static final int RANDOM_LO = 7;
    static final int CTL_LENGTH = 8;

    // Criterion codes (ctl[CRITERION]); LARGEST_GRADIENT uses LARGEST on the gradients' bits.
    static final int SMALLEST = 0;
    static final int LARGEST = 1;
    static final int RANDOM = 2;

    /**
     * Selects chunk {@code kc.globalIdx}. (Not called {@code select}: OpenCL C has a built-in of that name.)
     *
     * @param ctl  [CTL_LENGTH] sizes, criterion and RANDOM's per-refresh base (two ints)
     * @param bits [n] raw bits of the values the criterion reads
     * @param mask [K] out: chunk-local indices, chunk after chunk
     */
    static void chunkedBottomK(KernelContext kc, IntArray ctl, IntArray bits, ShortArray mask) {
        int c = kc.globalIdx;
        int chunks = ctl.get(CHUNKS);
        if (c < chunks) {
            int chunk = ctl.get(CHUNK);
            int criterion = ctl.get(CRITERION);
            long base = ((long) ctl.get(RANDOM_HI) << 32) | (ctl.get(RANDOM_LO) & 0xFFFFFFFFL);
            int start = c * chunk;
            int length = Math.min(chunk, ctl.get(N) - start);
            int want = c == chunks - 1 ? ctl.get(K_LAST) : ctl.get(K_FULL);
            int lo = 0;
            int hi = SpecMath.MAX_KEY;
            while (lo < hi) {
                int mid = lo + ((hi - lo) >>> 1);
                int atMost = 0;
                for (int i = 0; i < length; i++) {
                    if (key(criterion, bits, base, start + i) <= mid) {
                        atMost++;
                    }
                }
                if (atMost >= want) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            int threshold = lo;
            int below = 0;
            for (int i = 0; i < length; i++) {
                if (key(criterion, bits, base, start + i) < threshold) {
                    below++;
                }
            }
            int ties = want - below;
            int out = c * ctl.get(K_FULL);
            for (int i = 0; i < length; i++) {
                int key = key(criterion, bits, base, start + i);
                if (key < threshold || (key == threshold && ties > 0)) {
                    if (key == threshold) {
                        ties--;
                    }
                    mask.set(out, (short) i);
                    out++;
                }
            }
        }
    }

    /**
     * SPEC.md §4's SplitMix64 finaliser, as {@code SpecMath.mix} computes it. Written out again because
     * TornadoVM 5.2's OpenCL code generator emits Java's {@code >>>} on a {@code long} as C's
     * {@code >>} on a signed {@code long} (an arithmetic shift); {@link #logicalShiftRight} gives the
     * unsigned shift with operations it translates faithfully.
     */
    static long mix(long x) {
        long z = x;
        z = (z ^ logicalShiftRight(z, 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ logicalShiftRight(z, 27)) * 0x94D049BB133111EBL;
        return z ^ logicalShiftRight(z, 31);
    }

    /**
     * {@code z >>> s} for 0 &lt; s &lt; 64: the arithmetic shift with the copied sign bits cleared again
     * (the mask is a constant once {@code s} is; nothing shifts a negative value left on the device).
     */
    static long logicalShiftRight(long z, int s) {
        return (z >> s) ^ ((z >> 63) & (-1L << (64 - s)));
    }

    /** SPEC.md §4's key of flat index {@code p}, mapped so that the selection takes the smallest. */
    private static int key(int criterion, IntArray bits, long base, int p) {
        if (criterion == RANDOM) {
            return (int) logicalShiftRight(mix(base ^ p), 33);
        }
        int abs = bits.get(p) & SpecMath.MAX_KEY;
        int magnitude = abs > SpecMath.EXPONENT_BITS ? SpecMath.MAX_KEY : abs;
        return criterion == SMALLEST ? magnitude : SpecMath.MAX_KEY - magnitude;
    }
}
