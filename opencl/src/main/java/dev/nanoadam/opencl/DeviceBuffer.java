package dev.nanoadam.opencl;

import org.jocl.Pointer;
import org.jocl.cl_mem;

/**
 * One OpenCL buffer with its size in bytes, what it holds (for messages) and the pointer that
 * passes it as a kernel argument, made once so that launches allocate nothing.
 */
final class DeviceBuffer {
    final cl_mem mem;
    final long bytes;
    final String what;
    final Pointer arg;

    DeviceBuffer(cl_mem mem, long bytes, String what) {
        this.mem = mem;
        this.bytes = bytes;
        this.what = what;
        this.arg = Pointer.to(mem);
    }
}
