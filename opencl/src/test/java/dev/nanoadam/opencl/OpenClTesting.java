package dev.nanoadam.opencl;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.Backends;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can run the {@code opencl} backend. Where it cannot, the tests are skipped
 * with the reason printed to stdout (a fact of the machine: no platform, no loader, a refused
 * device), never passed silently.
 */
final class OpenClTesting {
    private OpenClTesting() {
    }

    private static String reason;
    private static boolean probed;

    /** Null when "opencl" opens here, else why not. */
    static synchronized String unavailableReason() {
        if (!probed) {
            probed = true;
            try (Backend b = Backends.open("opencl")) {
                reason = null;
            } catch (BackendUnavailableException e) {
                reason = e.getMessage();
            }
        }
        return reason;
    }

    /** For JUnit tests: aborts (skips) the test when no OpenCL device can run, printing why. */
    static void assumeDevice() {
        String why = unavailableReason();
        if (why != null) {
            System.out.println("SKIPPED (no usable OpenCL device): " + why);
        }
        Assumptions.assumeTrue(why == null, () -> "no usable OpenCL device: " + why);
    }

    /** For jqwik properties: {@code @AddLifecycleHook(OpenClTesting.Present.class)}. */
    public static final class Present implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            String why = unavailableReason();
            if (why == null) {
                return SkipResult.doNotSkip();
            }
            System.out.println("SKIPPED " + context.label() + " (no usable OpenCL device): " + why);
            return SkipResult.skip("no usable OpenCL device: " + why);
        }
    }
}
