package dev.nanoadam.opencl;

import static org.jocl.CL.CL_SUCCESS;

import dev.nanoadam.spi.BackendUnavailableException;
import java.nio.charset.StandardCharsets;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Small wrappers over JOCL's C-style calls: loading the native library with a message that says
 * what to install, return-code checks that name the call, and typed device queries.
 */
final class OpenCl {
    private OpenCl() {
    }

    /** What to install when no platform or no loader is found (Debian/Ubuntu package names). */
    static final String INSTALL_HINT = "install an OpenCL driver, e.g. PoCL for CPUs: "
            + "apt-get install pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev "
            + "(JOCL opens the unversioned libOpenCL.so, which ocl-icd-opencl-dev provides), "
            + "or your GPU vendor's OpenCL driver";

    private static volatile String loadFailure;
    private static volatile boolean loaded;

    /**
     * Makes sure JOCL's native library and the system's OpenCL loader can be used.
     *
     * @throws BackendUnavailableException saying why and what to install when they cannot
     */
    static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (OpenCl.class) {
            if (loaded) {
                return;
            }
            if (loadFailure == null) {
                try {
                    // Touching CL runs its static initialiser, which loads JOCL and libOpenCL.so.
                    CL.setExceptionsEnabled(false);
                    loaded = true;
                    return;
                } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                    loadFailure = "opencl: the JOCL native library or the OpenCL loader could not be loaded ("
                            + e + "); " + INSTALL_HINT;
                }
            }
            throw new NoSuitableDeviceException(loadFailure);
        }
    }

    /** Throws naming {@code what} and the error unless {@code rc} is CL_SUCCESS. */
    static void check(int rc, String what) {
        if (rc != CL_SUCCESS) {
            throw new IllegalStateException("opencl: " + what + " failed: " + CL.stringFor_errorCode(rc));
        }
    }

    /**
     * {@link #check(int, String)} for a description {@code a + b + n}, put together only on failure:
     * the calls a step makes allocate nothing.
     */
    static void check(int rc, String a, String b, long n) {
        if (rc != CL_SUCCESS) {
            check(rc, a + b + n);
        }
    }

    /** {@link #check(int, String)} for a description {@code a + n + b + c}, put together only on failure. */
    static void check(int rc, String a, long n, String b, String c) {
        if (rc != CL_SUCCESS) {
            check(rc, a + n + b + c);
        }
    }

    static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        check(CL.clGetDeviceInfo(device, param, 0, null, size), "clGetDeviceInfo");
        byte[] bytes = new byte[(int) size[0]];
        check(CL.clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null), "clGetDeviceInfo");
        return cString(bytes);
    }

    static long deviceLong(cl_device_id device, int param) {
        long[] value = new long[1];
        check(CL.clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    static int deviceInt(cl_device_id device, int param) {
        int[] value = new int[1];
        check(CL.clGetDeviceInfo(device, param, Sizeof.cl_uint, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    static long deviceSize(cl_device_id device, int param) {
        long[] value = new long[1];
        check(CL.clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        check(CL.clGetPlatformInfo(platform, param, 0, null, size), "clGetPlatformInfo");
        byte[] bytes = new byte[(int) size[0]];
        check(CL.clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null), "clGetPlatformInfo");
        return cString(bytes);
    }

    static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
    }
}
