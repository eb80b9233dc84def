package dev.nanoadam.tornado;

import dev.nanoadam.spi.BackendUnavailableException;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TornadoBackend;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.TornadoDeviceType;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.exceptions.TornadoMemoryException;
import uk.ac.manchester.tornado.api.exceptions.TornadoOutOfMemoryException;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/**
 * A TornadoVM device ({@code tornado:<backend>:<device>}, indices as TornadoVM numbers them) and
 * how this backend's graphs are planned and run on it.
 */
final class Device {
    /**
     * OpenCL build options of every graph (SPEC.md §10): correctly rounded division and square root,
     * and none of TornadoVM's defaults ({@code -cl-mad-enable -cl-fast-relaxed-math}).
     */
    static final String OPENCL_FLAGS = "-cl-fp32-correctly-rounded-divide-sqrt -w";

    /**
     * The options of RANDOM's selection graph: also no optimisation. TornadoVM writes Java's wrapping
     * {@code long} multiplication as C's signed {@code long} multiplication, whose overflow is
     * undefined in OpenCL C; PoCL's optimiser then computes SplitMix64 (RANDOM's keys, SPEC.md §4)
     * wrongly in the upper half. With {@code -cl-opt-disable} the generated code computes it as Java
     * does (checked by the known-answer test; docs/TORNADO.md). The magnitude criteria never
     * multiply longs and keep full optimisation.
     */
    static final String RANDOM_SELECTION_FLAGS = OPENCL_FLAGS + " -cl-opt-disable";

    final int backendIndex;
    final int deviceIndex;
    final TornadoDevice device;
    final String description;

    private Device(int backendIndex, int deviceIndex, TornadoDevice device) {
        this.backendIndex = backendIndex;
        this.deviceIndex = deviceIndex;
        this.device = device;
        this.description = "tornado:" + backendIndex + ":" + deviceIndex + " " + device.getTornadoVMBackend() + " '"
                + device.getPhysicalDevice().getDeviceName().trim() + "' (" + device.getPlatformName().trim()
                + "), TornadoVM-compiled kernels";
    }

    /** Identity of a device across {@link Device} instances (the pool is per device). */
    record Key(int backend, int device) {
    }

    Key key() {
        return new Key(backendIndex, deviceIndex);
    }

    /** The backend's name for this device. */
    String backendName() {
        return "tornado:" + backendIndex + ":" + deviceIndex;
    }

    /** Every device TornadoVM sees, as {@code tornado:<backend>:<device>}. */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            TornadoBackend backend = runtime.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                names.add("tornado:" + b + ":" + d);
            }
        }
        return names;
    }

    /** The first GPU in TornadoVM's order, else its first device. */
    static Device preferred() {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        Device first = null;
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            TornadoBackend backend = runtime.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                TornadoDevice device = backend.getDevice(d);
                if (device.getDeviceType() == TornadoDeviceType.GPU) {
                    return new Device(b, d, device);
                }
                if (first == null) {
                    first = new Device(b, d, device);
                }
            }
        }
        if (first == null) {
            throw new NoTornadoDeviceException("tornado: TornadoVM found no device (backends: "
                    + runtime.getNumBackends() + "); for OpenCL, 'clinfo -l' must list one");
        }
        return first;
    }

    /** {@code tornado:<backend>:<device>}. */
    static Device at(int backendIndex, int deviceIndex) {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        if (backendIndex < 0 || backendIndex >= runtime.getNumBackends()) {
            throw new NoTornadoDeviceException("tornado:" + backendIndex + ":" + deviceIndex + ": no TornadoVM backend "
                    + backendIndex + " (there are " + runtime.getNumBackends() + ")");
        }
        TornadoBackend backend = runtime.getBackend(backendIndex);
        if (deviceIndex < 0 || deviceIndex >= backend.getNumDevices()) {
            throw new NoTornadoDeviceException("tornado:" + backendIndex + ":" + deviceIndex + ": backend "
                    + backend.getName() + " has " + backend.getNumDevices() + " devices");
        }
        return new Device(backendIndex, deviceIndex, backend.getDevice(deviceIndex));
    }

    /**
     * System property: a bound on the device memory of each graph, in TornadoVM's notation (e.g.
     * {@code 512MB}); a graph that needs more fails with the sizes named. Unset: TornadoVM's own bound.
     */
    static final String MEMORY_LIMIT_PROPERTY = "nanoadam.tornado.graphMemoryLimit";

    /** A plan for {@code graph} on this device, built with the OpenCL options {@code flags}. */
    TornadoExecutionPlan plan(ImmutableTaskGraph graph, GridScheduler grid, String flags) {
        TornadoExecutionPlan plan = new TornadoExecutionPlan(graph);
        plan.withDevice(device).withGridScheduler(grid).withCompilerFlags(TornadoVMBackendType.OPENCL, flags);
        String limit = System.getProperty(MEMORY_LIMIT_PROPERTY);
        if (limit != null) {
            plan.withMemoryLimit(limit);
        }
        return plan;
    }

    /** Runs {@code plan}; a device out of memory is reported with the graph's sizes. */
    static TornadoExecutionResult execute(TornadoExecutionPlan plan, String what, long entries, long bytes) {
        try {
            return plan.execute();
        } catch (TornadoOutOfMemoryException | TornadoMemoryException e) {
            throw new IllegalStateException("tornado: device out of memory for " + what + " (" + entries
                    + " entries, " + bytes + " bytes on the device): " + e.getMessage(), e);
        }
    }

    /** Frees a plan's device memory; idempotent. */
    static void release(TornadoExecutionPlan plan) {
        try {
            plan.freeDeviceMemory();
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("tornado: releasing a graph's device memory: " + e.getMessage(), e);
        }
    }

    /** A machine without a TornadoVM device: a fact of the machine, not a fault of the backend. */
    static final class NoTornadoDeviceException extends BackendUnavailableException {
        private static final long serialVersionUID = 1L;

        NoTornadoDeviceException(String message) {
            super(message);
        }
    }
}
