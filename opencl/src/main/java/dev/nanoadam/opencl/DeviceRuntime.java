package dev.nanoadam.opencl;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_DEVICE_AVAILABLE;
import static org.jocl.CL.CL_DEVICE_COMPILER_AVAILABLE;
import static org.jocl.CL.CL_DEVICE_ENDIAN_LITTLE;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_OPENCL_C_VERSION;
import static org.jocl.CL.CL_DEVICE_SINGLE_FP_CONFIG;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_VENDOR;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_DRIVER_VERSION;
import static org.jocl.CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT;
import static org.jocl.CL.CL_FP_DENORM;
import static org.jocl.CL.CL_FP_ROUND_TO_NEAREST;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.CL_SUCCESS;

import dev.nanoadam.spi.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * One OpenCL device as this JVM uses it: its capabilities (checked against SPEC.md §10 once), a
 * context, and the built programs. Building takes PoCL seconds, so a device's context and programs
 * are made once per JVM and shared by every backend on it; they live as long as the JVM, like a
 * loaded driver. Everything a backend makes itself (queue, kernels, buffers) it frees in
 * {@code close()}.
 */
final class DeviceRuntime {
    /** Says once per device, at INFO, which platform and device run (java.util.logging prints INFO by default). */
    private static final System.Logger LOG = System.getLogger(DeviceRuntime.class.getName());
    /** Options of every build (SPEC.md §10); never fast-math, mad or denormals-are-zero. */
    static final String BUILD_OPTIONS = "-cl-std=CL1.2 -cl-fp32-correctly-rounded-divide-sqrt";

    /** The kernel sources, resources beside this class. */
    static final String SELECTION = "chunked_selection.cl";
    static final String UPDATE = "adam_update.cl";
    static final String CHECK = "nonfinite_check.cl";
    static final String REMAP = "moment_remap.cl";
    private static final String[] SOURCES = {SELECTION, UPDATE, CHECK, REMAP};

    private static final Map<String, DeviceRuntime> BY_DEVICE = new HashMap<>();

    final DeviceCatalog.Entry entry;
    final cl_device_id device;
    final cl_context context;
    final long localMemBytes;
    final long maxAllocBytes;
    final long globalMemBytes;
    final long maxGroupSize;
    /** Whether the device is a CPU (work-groups run as sequential tasks there). */
    final boolean cpu;
    /** One line saying which platform and device run. */
    final String description;
    private final Map<String, cl_program> programs = new HashMap<>();
    private boolean verified;
    private String verifyFailure;

    /**
     * The runtime of {@code entry}, made (checked, context created, programs built) on first use.
     *
     * @throws BackendUnavailableException if the device lacks what SPEC.md §10 requires or a build fails
     */
    static synchronized DeviceRuntime of(DeviceCatalog.Entry entry) {
        String key = entry.backendName();
        DeviceRuntime rt = BY_DEVICE.get(key);
        if (rt == null) {
            rt = new DeviceRuntime(entry);
            BY_DEVICE.put(key, rt);
            LOG.log(System.Logger.Level.INFO, rt.description);
        }
        return rt;
    }

    private DeviceRuntime(DeviceCatalog.Entry entry) {
        this.entry = entry;
        this.device = entry.device();
        checkCapabilities(entry);
        this.localMemBytes = OpenCl.deviceLong(device, CL_DEVICE_LOCAL_MEM_SIZE);
        this.maxAllocBytes = OpenCl.deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        this.globalMemBytes = OpenCl.deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE);
        this.maxGroupSize = OpenCl.deviceSize(device, CL_DEVICE_MAX_WORK_GROUP_SIZE);
        this.cpu = (OpenCl.deviceLong(device, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_CPU) != 0;
        this.description = "opencl: " + entry.backendName() + " = " + entry.deviceName() + " ("
                + (entry.gpu() ? "GPU, " : "") + OpenCl.deviceString(device, CL_DEVICE_VENDOR) + ", "
                + OpenCl.deviceString(device, CL_DEVICE_VERSION) + ", driver "
                + OpenCl.deviceString(device, CL_DRIVER_VERSION) + ") on platform " + entry.platformName()
                + "; local memory " + localMemBytes + " bytes";

        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, entry.platform());
        int[] rc = new int[1];
        cl_context ctx = CL.clCreateContext(props, 1, new cl_device_id[] {device}, null, null, rc);
        OpenCl.check(rc[0], "clCreateContext on " + entry);
        this.context = ctx;
        try {
            for (String source : SOURCES) {
                programs.put(source, build(source, source(source)));
            }
        } catch (RuntimeException e) {
            for (cl_program p : programs.values()) {
                CL.clReleaseProgram(p);
            }
            CL.clReleaseContext(ctx);
            throw e;
        }
    }

    /** SPEC.md §10: refuse a device that cannot compute §6 bit for bit, saying why. */
    private static void checkCapabilities(DeviceCatalog.Entry entry) {
        cl_device_id d = entry.device();
        List<String> missing = new ArrayList<>();
        long fp = OpenCl.deviceLong(d, CL_DEVICE_SINGLE_FP_CONFIG);
        if ((fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) == 0) {
            missing.add("correctly rounded float divide and sqrt (CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT)");
        }
        if ((fp & CL_FP_ROUND_TO_NEAREST) == 0) {
            missing.add("round-to-nearest float arithmetic (CL_FP_ROUND_TO_NEAREST)");
        }
        if ((fp & CL_FP_DENORM) == 0) {
            missing.add("float denormals (CL_FP_DENORM)");
        }
        if (OpenCl.deviceInt(d, CL_DEVICE_ENDIAN_LITTLE) == 0) {
            missing.add("little-endian memory (the host's byte order)");
        }
        if (OpenCl.deviceInt(d, CL_DEVICE_AVAILABLE) == 0) {
            missing.add("availability (CL_DEVICE_AVAILABLE is false)");
        }
        if (OpenCl.deviceInt(d, CL_DEVICE_COMPILER_AVAILABLE) == 0) {
            missing.add("an OpenCL C compiler (CL_DEVICE_COMPILER_AVAILABLE is false)");
        }
        String cVersion = OpenCl.deviceString(d, CL_DEVICE_OPENCL_C_VERSION);
        Matcher m = Pattern.compile("OpenCL C (\\d+)\\.(\\d+)").matcher(cVersion);
        if (!m.find() || Integer.parseInt(m.group(1)) * 10 + Integer.parseInt(m.group(2)) < 12) {
            missing.add("OpenCL C 1.2 (the device reports '" + cVersion + "')");
        }
        if (!missing.isEmpty()) {
            throw new NoSuitableDeviceException("opencl: " + entry + " cannot run NanoAdam bit for bit (SPEC.md §10): "
                    + "it lacks " + String.join(", ", missing));
        }
    }

    /**
     * Builds {@code source} (named {@code name} in messages) with {@link #BUILD_OPTIONS}.
     *
     * @throws BackendUnavailableException with the build log when the build fails
     */
    cl_program build(String name, String source) {
        int[] rc = new int[1];
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, rc);
        OpenCl.check(rc[0], "clCreateProgramWithSource(" + name + ")");
        int built = CL.clBuildProgram(program, 1, new cl_device_id[] {device}, BUILD_OPTIONS, null, null);
        if (built != CL_SUCCESS) {
            String log = buildLog(program);
            CL.clReleaseProgram(program);
            throw new BackendUnavailableException("opencl: building " + name + " with '" + BUILD_OPTIONS + "' failed ("
                    + CL.stringFor_errorCode(built) + ") on " + entry + "; build log:\n" + log);
        }
        return program;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        if (CL.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size) != CL_SUCCESS) {
            return "(no build log)";
        }
        byte[] log = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return OpenCl.cString(log);
    }

    /** The text of kernel source {@code name}. */
    static String source(String name) {
        try (InputStream in = DeviceRuntime.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("opencl: kernel source " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("opencl: cannot read kernel source " + name, e);
        }
    }

    /** The built program of source {@code name}. */
    cl_program program(String name) {
        return programs.get(name);
    }

    /**
     * Runs {@code knownAnswerTest} once per JVM (it returns null on success or where it differs) and
     * refuses this device from then on if it failed.
     */
    synchronized void verify(Supplier<String> knownAnswerTest) {
        if (!verified) {
            verifyFailure = knownAnswerTest.get();
            verified = true;
        }
        if (verifyFailure != null) {
            throw new BackendUnavailableException("opencl: " + entry + " differs from cpu-scalar in the known-answer test"
                    + " (SPEC.md §10), so it is not used: " + verifyFailure);
        }
    }
}
