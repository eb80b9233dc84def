package dev.nanoadam.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Moves the masked entries of one chunk between a tensor and a compact run, the way the process's
 * {@link MaskedAccess} says: scalar loads and stores, or vector gathers and scatters (at the
 * {@code cpu} backend's vector width). A chunk's mask holds chunk-local indices as 16-bit
 * {@code char}s; they are widened block by block into an {@code int[]} first. Used by the
 * {@code cpu} backend and by device backends that stage the masked entries in host memory.
 */
public final class MaskedCopy {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Vector gathers and scatters, rather than scalar loads and stores. */
    private static final boolean VECTOR = !VectorBackend.SCALAR && MaskedAccess.CHOSEN == MaskedAccess.GATHER;

    private MaskedCopy() {
    }

    /** {@code ix[i] = m[j + i]} for {@code i < len}: unsigned 16-bit indices widened to int. */
    public static void widen(char[] m, int j, int len, int[] ix) {
        int i = 0;
        if (!VectorBackend.SCALAR && VectorBackend.HALF.length() == VectorBackend.I.length()) {
            int step = VectorBackend.I.length();
            int bound = VectorBackend.I.loopBound(len);
            for (; i < bound; i += step) {
                ((IntVector) ShortVector.fromCharArray(VectorBackend.HALF, m, j + i)
                        .convertShape(VectorOperators.ZERO_EXTEND_S2I, VectorBackend.I, 0)).intoArray(ix, i);
            }
        }
        for (; i < len; i++) {
            ix[i] = m[j + i];
        }
    }

    /**
     * Writes {@code src[base + ix[i]]} for {@code i < len} as native-order floats to {@code dst}
     * from byte {@code offset} on.
     */
    public static void gather(float[] src, int base, int[] ix, int len, MemorySegment dst, long offset) {
        int i = 0;
        if (VECTOR) {
            int step = VectorBackend.F.length();
            int bound = VectorBackend.F.loopBound(len);
            for (; i < bound; i += step) {
                FloatVector.fromArray(VectorBackend.F, src, base, ix, i).intoMemorySegment(dst, offset + 4L * i, NATIVE);
            }
        }
        for (; i < len; i++) {
            dst.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, offset + 4L * i, src[base + ix[i]]);
        }
    }

    /**
     * Reads {@code len} native-order floats from {@code src} at byte {@code offset} and stores float
     * {@code i} to {@code dst[base + ix[i]]}.
     */
    public static void scatter(MemorySegment src, long offset, int[] ix, int len, float[] dst, int base) {
        int i = 0;
        if (VECTOR) {
            int step = VectorBackend.F.length();
            int bound = VectorBackend.F.loopBound(len);
            for (; i < bound; i += step) {
                FloatVector.fromMemorySegment(VectorBackend.F, src, offset + 4L * i, NATIVE).intoArray(dst, base, ix, i);
            }
        }
        for (; i < len; i++) {
            dst[base + ix[i]] = src.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, offset + 4L * i);
        }
    }
}
