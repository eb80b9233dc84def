package dev.nanoadam.opencl;

import static org.jocl.CL.CL_INVALID_BUFFER_SIZE;
import static org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.CL_OUT_OF_HOST_MEMORY;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;
import static org.jocl.CL.CL_SUCCESS;

import dev.nanoadam.spi.BackendUnavailableException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jocl.CL;
import org.jocl.cl_mem;

/**
 * The device buffers of one backend: allocation with messages that name the bytes asked for,
 * release, and a count of what is live (the leak test reads it; {@code close()} frees the rest).
 */
final class DeviceMemory {
    /** cl_mem objects alive in this JVM, over every backend. */
    private static final AtomicInteger LIVE_IN_JVM = new AtomicInteger();

    private final DeviceRuntime device;
    private final long largestAllocation; // bytes: the device's own limit, or a smaller one set by the caller
    private final Set<DeviceBuffer> live = new HashSet<>();
    private long liveBytes;

    DeviceMemory(DeviceRuntime device, long allocationLimit) {
        this.device = device;
        this.largestAllocation = Math.min(device.maxAllocBytes, allocationLimit);
    }

    /**
     * A new uninitialised buffer of {@code bytes} (> 0).
     *
     * @throws BackendUnavailableException naming {@code what} and the bytes when the device cannot hold it
     */
    DeviceBuffer allocate(long bytes, String what) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("opencl: buffer '" + what + "' of " + bytes + " bytes");
        }
        if (bytes > largestAllocation) {
            throw outOfMemory(bytes, what, "more than the largest single allocation, " + largestAllocation
                    + " bytes" + (largestAllocation < device.maxAllocBytes ? " (a limit set below the device's "
                    + device.maxAllocBytes + ")" : " (the device's limit)"));
        }
        int[] rc = new int[1];
        cl_mem mem = CL.clCreateBuffer(device.context, CL_MEM_READ_WRITE, bytes, null, rc);
        if (rc[0] != CL_SUCCESS) {
            if (rc[0] == CL_MEM_OBJECT_ALLOCATION_FAILURE || rc[0] == CL_OUT_OF_RESOURCES
                    || rc[0] == CL_OUT_OF_HOST_MEMORY || rc[0] == CL_INVALID_BUFFER_SIZE) {
                throw outOfMemory(bytes, what, CL.stringFor_errorCode(rc[0]));
            }
            OpenCl.check(rc[0], "clCreateBuffer(" + what + ", " + bytes + " bytes)");
        }
        DeviceBuffer b = new DeviceBuffer(mem, bytes, what);
        live.add(b);
        liveBytes += bytes;
        LIVE_IN_JVM.incrementAndGet();
        return b;
    }

    private BackendUnavailableException outOfMemory(long bytes, String what, String why) {
        return new BackendUnavailableException("opencl: device out of memory: " + what + " asks for " + bytes
                + " bytes (" + why + "; device global memory " + device.globalMemBytes + " bytes, this backend holds "
                + liveBytes + " bytes in " + live.size() + " buffers) on " + device.entry);
    }

    /** Releases {@code b} (null is fine); returns null for the caller to store. */
    DeviceBuffer release(DeviceBuffer b) {
        if (b != null && live.remove(b)) {
            CL.clReleaseMemObject(b.mem);
            liveBytes -= b.bytes;
            LIVE_IN_JVM.decrementAndGet();
        }
        return null;
    }

    /** Releases every buffer still live. */
    void releaseAll() {
        for (DeviceBuffer b : live) {
            CL.clReleaseMemObject(b.mem);
            LIVE_IN_JVM.decrementAndGet();
        }
        live.clear();
        liveBytes = 0;
    }

    int liveCount() {
        return live.size();
    }

    long liveBytes() {
        return liveBytes;
    }

    /** cl_mem objects alive in this JVM over all backends. */
    static int liveInJvm() {
        return LIVE_IN_JVM.get();
    }
}
