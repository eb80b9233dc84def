package dev.nanoadam.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import org.jocl.Pointer;

/**
 * Native host memory that transfers read from and write into: JOCL needs direct buffers for
 * non-blocking transfers. It grows only when asked for more (at a refresh or a layout change) and
 * is freed at once by {@link #close()}, not whenever the garbage collector gets to it.
 */
final class HostStaging implements AutoCloseable {
    private Arena arena;
    private long capacity;
    MemorySegment segment; // the whole region
    ByteBuffer bytes;     // the same memory, native byte order, position 0
    FloatBuffer floats;   // the same memory as floats
    CharBuffer chars;     // ... as unsigned 16-bit values (masks)
    ShortBuffer shorts;   // ... as 16-bit values (bfloat16 moments)
    Pointer pointer;      // the region's start, for JOCL

    /** Makes the region at least {@code need} bytes; the contents are not kept. */
    void ensure(long need) {
        if (need <= capacity) {
            return;
        }
        close();
        long size = Math.max(need, 64);
        arena = Arena.ofShared();
        segment = arena.allocate(size, 64);
        bytes = segment.asByteBuffer().order(ByteOrder.nativeOrder());
        floats = bytes.asFloatBuffer();
        chars = bytes.asCharBuffer();
        shorts = bytes.asShortBuffer();
        pointer = Pointer.to(bytes);
        capacity = size;
    }

    long capacity() {
        return capacity;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            segment = null;
            bytes = null;
            floats = null;
            chars = null;
            shorts = null;
            pointer = null;
            capacity = 0;
        }
    }
}
