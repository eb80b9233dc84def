package dev.nanoadam.opencl;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendProvider;
import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.KnownAnswerTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Provides {@code "opencl"} (the first GPU in the OpenCL loader's order, else its first device)
 * and {@code "opencl:<platform>:<device>"} (by index, as {@code clinfo -l} lists them).
 *
 * <p>Opening a device checks it (SPEC.md §10), builds the kernels once per JVM and runs the
 * known-answer test against {@code cpu-scalar} once per JVM; a device that fails any of these is
 * refused with a {@link BackendUnavailableException} saying why. System properties:
 * {@value OpenClBackend#KEYS_PROPERTY} ({@code auto} or {@code global}) and
 * {@value OpenClBackend#BATCH_PROPERTY} (bytes).
 */
public final class OpenClProvider implements BackendProvider {
    private static final String PREFIX = "opencl";

    /** "opencl" and one name per device; just "opencl" where OpenCL cannot be used (opening it says why). */
    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(PREFIX);
        try {
            for (DeviceCatalog.Entry e : DeviceCatalog.devices()) {
                names.add(e.backendName());
            }
        } catch (BackendUnavailableException e) {
            // Listing stays quiet; open("opencl") gives the reason.
        }
        return names;
    }

    @Override
    public boolean supports(String name) {
        return name.equals(PREFIX) || name.startsWith(PREFIX + ":");
    }

    @Override
    public Backend open(String name) {
        return open(name, keysFromProperty(), batchFromProperty());
    }

    /**
     * Opens {@code name} with explicit options (tests force the global-memory selection path so).
     *
     * @throws IllegalArgumentException if {@code name} is not {@code opencl} or {@code opencl:<int>:<int>}
     * @throws BackendUnavailableException if the device cannot be used, saying why
     */
    public static OpenClBackend open(String name, OpenClBackend.KeyPlacement keys, long batchBytes) {
        return open(name, keys, batchBytes, Long.MAX_VALUE);
    }

    /**
     * As {@link #open(String, OpenClBackend.KeyPlacement, long)}, with the largest single device
     * allocation capped at {@code allocationLimit} bytes (tests reach the out-of-memory refusal so,
     * whatever the device's own limit).
     */
    static OpenClBackend open(String name, OpenClBackend.KeyPlacement keys, long batchBytes, long allocationLimit) {
        DeviceCatalog.Entry entry = entry(name);
        DeviceRuntime runtime = DeviceRuntime.of(entry);
        runtime.verify(() -> knownAnswerTest(runtime));
        return new OpenClBackend(runtime, keys, batchBytes, allocationLimit);
    }

    /** SPEC.md §10's known-answer test with both key placements and a batch of one chunk (the batched path). */
    private static String knownAnswerTest(DeviceRuntime runtime) {
        for (OpenClBackend.KeyPlacement keys : OpenClBackend.KeyPlacement.values()) {
            String what = "opencl, selection keys " + keys.name().toLowerCase(Locale.ROOT);
            String where = KnownAnswerTest.run(what,
                    () -> new OpenClBackend(runtime, keys, 4L * KnownAnswerTest.CHUNK, Long.MAX_VALUE));
            if (where != null) {
                return where;
            }
        }
        return null;
    }

    private static DeviceCatalog.Entry entry(String name) {
        if (name.equals(PREFIX)) {
            return DeviceCatalog.preferred();
        }
        String[] parts = name.split(":", -1);
        if (parts.length != 3 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("backend '" + name + "': expected opencl or opencl:<platform>:<device>,"
                    + " e.g. opencl:0:0");
        }
        int platform;
        int device;
        try {
            platform = Integer.parseInt(parts[1]);
            device = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("backend '" + name + "': platform and device must be indices,"
                    + " e.g. opencl:0:0", e);
        }
        return DeviceCatalog.at(platform, device);
    }

    private static OpenClBackend.KeyPlacement keysFromProperty() {
        String v = System.getProperty(OpenClBackend.KEYS_PROPERTY, "auto").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> OpenClBackend.KeyPlacement.AUTO;
            case "global" -> OpenClBackend.KeyPlacement.GLOBAL;
            default -> throw new IllegalArgumentException(OpenClBackend.KEYS_PROPERTY + " = " + v
                    + ": must be auto or global");
        };
    }

    private static long batchFromProperty() {
        String v = System.getProperty(OpenClBackend.BATCH_PROPERTY, String.valueOf(16L << 20));
        long bytes;
        try {
            bytes = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(OpenClBackend.BATCH_PROPERTY + " = " + v + ": must be a number of bytes", e);
        }
        if (bytes < 4) {
            throw new IllegalArgumentException(OpenClBackend.BATCH_PROPERTY + " = " + v + ": must be at least 4");
        }
        return bytes;
    }
}
