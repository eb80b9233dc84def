package dev.nanoadam.opencl;

import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_NOT_FOUND;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_SUCCESS;

import dev.nanoadam.spi.BackendUnavailableException;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** The OpenCL platforms and devices of this machine, in the order the OpenCL loader lists them. */
final class DeviceCatalog {
    private DeviceCatalog() {
    }

    /**
     * One device.
     *
     * @param platformIndex position of its platform in the loader's list
     * @param deviceIndex   position within its platform's devices
     */
    record Entry(int platformIndex, int deviceIndex, cl_platform_id platform, cl_device_id device,
                 String platformName, String deviceName, boolean gpu) {

        /** The backend name that opens exactly this device. */
        String backendName() {
            return "opencl:" + platformIndex + ":" + deviceIndex;
        }

        @Override
        public String toString() {
            return backendName() + " = " + deviceName + (gpu ? " (GPU)" : "") + " on " + platformName;
        }
    }

    private static List<Entry> cached;

    /**
     * Every device of every platform; the list is read once per JVM.
     *
     * @throws BackendUnavailableException when JOCL cannot load or no platform exists
     */
    static synchronized List<Entry> devices() {
        if (cached != null) {
            return cached;
        }
        OpenCl.ensureLoaded();
        int[] count = new int[1];
        int rc = CL.clGetPlatformIDs(0, null, count);
        if (rc != CL_SUCCESS || count[0] == 0) {
            throw new NoSuitableDeviceException("opencl: no OpenCL platform found"
                    + (rc != CL_SUCCESS ? " (clGetPlatformIDs: " + CL.stringFor_errorCode(rc) + ")" : "")
                    + "; " + OpenCl.INSTALL_HINT);
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        OpenCl.check(CL.clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        List<Entry> all = new ArrayList<>();
        for (int p = 0; p < platforms.length; p++) {
            String platformName = OpenCl.platformString(platforms[p], CL_PLATFORM_NAME);
            int[] n = new int[1];
            rc = CL.clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, n);
            if (rc == CL_DEVICE_NOT_FOUND || n[0] == 0) {
                continue;
            }
            OpenCl.check(rc, "clGetDeviceIDs");
            cl_device_id[] ids = new cl_device_id[n[0]];
            OpenCl.check(CL.clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, ids.length, ids, null), "clGetDeviceIDs");
            for (int d = 0; d < ids.length; d++) {
                boolean gpu = (OpenCl.deviceLong(ids[d], CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0;
                all.add(new Entry(p, d, platforms[p], ids[d], platformName,
                        OpenCl.deviceString(ids[d], CL_DEVICE_NAME), gpu));
            }
        }
        if (all.isEmpty()) {
            throw new NoSuitableDeviceException("opencl: " + platforms.length
                    + " OpenCL platform(s) but no device; " + OpenCl.INSTALL_HINT);
        }
        cached = List.copyOf(all);
        return cached;
    }

    /** {@code "opencl"}'s device: the first GPU in loader order, else the first device. */
    static Entry preferred() {
        List<Entry> all = devices();
        for (Entry e : all) {
            if (e.gpu()) {
                return e;
            }
        }
        return all.get(0);
    }

    /**
     * The device at {@code platform}, {@code device}.
     *
     * @throws BackendUnavailableException listing the devices when there is none there
     */
    static Entry at(int platform, int device) {
        List<Entry> all = devices();
        for (Entry e : all) {
            if (e.platformIndex() == platform && e.deviceIndex() == device) {
                return e;
            }
        }
        throw new BackendUnavailableException("opencl: no device opencl:" + platform + ":" + device
                + "; this machine has: " + listing(all));
    }

    static String listing(List<Entry> all) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : all) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(e);
        }
        return sb.toString();
    }
}
