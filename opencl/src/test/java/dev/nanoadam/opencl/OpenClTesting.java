package dev.nanoadam.opencl;

import dev.nanoadam.spi.Backends;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can run the {@code opencl} backend. Where it cannot (a fact of the machine:
 * no loader, no platform, only devices SPEC.md §10 refuses), the tests are skipped with the reason
 * printed to stdout, never passed silently. Any other refusal (a failed build or known-answer test)
 * is the backend's fault and fails the tests.
 */
final class OpenClTesting {
    private OpenClTesting() {
    }

    private static String reason;
    private static RuntimeException failure;
    private static boolean probed;

    /** Null when "opencl" opens here or fails for a reason of its own; else what the machine lacks. */
    static synchronized String unavailableReason() {
        if (!probed) {
            probed = true;
            try {
                Backends.open("opencl").close();
                reason = null;
            } catch (NoSuitableDeviceException e) {
                reason = e.getMessage();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        return reason;
    }

    /**
     * For JUnit tests: aborts (skips) the test when the machine has no usable OpenCL device,
     * printing why; fails it when the backend refuses for a reason of its own.
     */
    static void assumeDevice() {
        String why = unavailableReason();
        if (failure != null) {
            throw new AssertionError("the opencl backend does not open: " + failure.getMessage(), failure);
        }
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
