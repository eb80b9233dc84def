package dev.nanoadam.conformance;

import dev.nanoadam.opencl.NoSuitableDeviceException;
import dev.nanoadam.spi.Backends;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can run the {@code opencl} backend. Only a fact of the machine (no OpenCL
 * loader, platform or suitable device) skips a test, with the reason printed; any other refusal
 * of the backend is its own fault and fails the test.
 */
final class OpenClPresence {
    private OpenClPresence() {
    }

    private static boolean probed;
    private static String absent;            // why the machine has no usable device, or null
    private static RuntimeException broken;  // the backend's own failure to open, or null

    private static synchronized void probe() {
        if (!probed) {
            probed = true;
            try {
                Backends.open("opencl").close();
            } catch (NoSuitableDeviceException e) {
                absent = e.getMessage();
            } catch (RuntimeException e) {
                broken = e;
            }
        }
    }

    /** For JUnit tests: skips when the machine has no OpenCL device, fails when the backend is broken. */
    static void assume() {
        probe();
        if (broken != null) {
            throw new AssertionError("the opencl backend does not open: " + broken.getMessage(), broken);
        }
        if (absent != null) {
            System.out.println("SKIPPED (no usable OpenCL device): " + absent);
        }
        Assumptions.assumeTrue(absent == null, () -> "no usable OpenCL device: " + absent);
    }

    /** For jqwik properties: {@code @AddLifecycleHook(OpenClPresence.Hook.class)}. */
    public static final class Hook implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            probe();
            if (absent == null) {
                return SkipResult.doNotSkip();   // a broken backend then fails the property itself
            }
            System.out.println("SKIPPED " + context.label() + " (no usable OpenCL device): " + absent);
            return SkipResult.skip("no usable OpenCL device: " + absent);
        }
    }
}
