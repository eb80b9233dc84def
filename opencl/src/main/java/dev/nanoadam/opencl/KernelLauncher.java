package dev.nanoadam.opencl;

import static org.jocl.CL.CL_KERNEL_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;

/**
 * One kernel of one backend: argument setters that reuse their pointers and a launcher that reuses
 * its size arrays, so that a step allocates nothing on the Java side. Not thread-safe (neither is
 * an OpenCL kernel object's argument state).
 */
final class KernelLauncher {
    final String name;
    final cl_kernel kernel;
    private final cl_command_queue queue;
    private final int[] intValue = new int[1];
    private final float[] floatValue = new float[1];
    private final long[] longValue = new long[1];
    private final Pointer intArg = Pointer.to(intValue);
    private final Pointer floatArg = Pointer.to(floatValue);
    private final Pointer longArg = Pointer.to(longValue);
    private final long[] global = new long[1];
    private final long[] local = new long[1];
    /** Largest work-group this kernel can run with on the device. */
    final long maxGroup;
    /** Local memory the kernel's own {@code __local} arrays take. */
    final long staticLocalBytes;

    KernelLauncher(DeviceRuntime device, cl_command_queue queue, String source, String name) {
        this.name = name;
        this.queue = queue;
        int[] rc = new int[1];
        this.kernel = CL.clCreateKernel(device.program(source), name, rc);
        OpenCl.check(rc[0], "clCreateKernel(" + name + ")");
        long[] v = new long[1];
        OpenCl.check(CL.clGetKernelWorkGroupInfo(kernel, device.device, CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                Pointer.to(v), null), "clGetKernelWorkGroupInfo(" + name + ")");
        this.maxGroup = v[0];
        OpenCl.check(CL.clGetKernelWorkGroupInfo(kernel, device.device, CL_KERNEL_LOCAL_MEM_SIZE, Sizeof.cl_ulong,
                Pointer.to(v), null), "clGetKernelWorkGroupInfo(" + name + ")");
        this.staticLocalBytes = v[0];
    }

    /** The largest power of two no larger than {@code wanted} and the kernel's and device's limits. */
    int groupSize(int wanted, DeviceRuntime device) {
        long limit = Math.min(wanted, Math.min(maxGroup, device.maxGroupSize));
        int g = 1;
        while ((long) g * 2 <= limit) {
            g *= 2;
        }
        return g;
    }

    void arg(int index, int value) {
        intValue[0] = value;
        OpenCl.check(CL.clSetKernelArg(kernel, index, Sizeof.cl_int, intArg), name, " argument ", index);
    }

    void arg(int index, float value) {
        floatValue[0] = value;
        OpenCl.check(CL.clSetKernelArg(kernel, index, Sizeof.cl_float, floatArg), name, " argument ", index);
    }

    void argLong(int index, long value) {
        longValue[0] = value;
        OpenCl.check(CL.clSetKernelArg(kernel, index, Sizeof.cl_ulong, longArg), name, " argument ", index);
    }

    void arg(int index, DeviceBuffer buffer) {
        OpenCl.check(CL.clSetKernelArg(kernel, index, Sizeof.cl_mem, buffer.arg), name, " argument ", index);
    }

    /** A {@code __local} argument of {@code bytes}. */
    void argLocal(int index, long bytes) {
        OpenCl.check(CL.clSetKernelArg(kernel, index, bytes, null), name, " local argument ", index);
    }

    /** Enqueues {@code groups} work-groups of {@code groupSize} work-items (no wait). */
    void launch(long groups, int groupSize) {
        global[0] = groups * groupSize;
        local[0] = groupSize;
        int rc = CL.clEnqueueNDRangeKernel(queue, kernel, 1, null, global, local, 0, null, null);
        if (rc != CL.CL_SUCCESS) {
            OpenCl.check(rc, "launching " + name + " (" + groups + " work-groups of " + groupSize + ")");
        }
    }

    void release() {
        CL.clReleaseKernel(kernel);
    }
}
