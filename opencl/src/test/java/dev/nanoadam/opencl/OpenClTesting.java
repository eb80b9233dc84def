package dev.nanoadam.opencl;

import dev.nanoadam.spi.Backends;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether the {@code opencl} tests run. They run unless the user opts out with
 * {@code -Dnanoadam.opencl=off} (then each is skipped with that reason printed). A machine without
 * a usable OpenCL device fails them, saying what to install: a missing device must not pass as
 * missing coverage. Any other refusal (a failed build or known-answer test) fails them too.
 */
final class OpenClTesting {
    private OpenClTesting() {
    }

    /** The opt-out: {@code -Dnanoadam.opencl=off}. */
    static final String PROPERTY = "nanoadam.opencl";

    private static RuntimeException failure;
    private static boolean probed;

    static boolean optedOut() {
        return "off".equals(System.getProperty(PROPERTY));
    }

    /** Null when "opencl" opens here, else why it does not. */
    private static synchronized RuntimeException failure() {
        if (!probed) {
            probed = true;
            try {
                Backends.open("opencl").close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        return failure;
    }

    private static String optOutLine() {
        return "SKIPPED: opencl tests are off (-D" + PROPERTY + "=off)";
    }

    /** For JUnit tests: skips when opted out, fails when the backend does not open, else returns. */
    static void assumeDevice() {
        if (optedOut()) {
            System.out.println(optOutLine());
            Assumptions.abort(optOutLine());
        }
        RuntimeException e = failure();
        if (e != null) {
            throw new AssertionError("the opencl backend does not open: " + e.getMessage() + (e instanceof NoSuitableDeviceException
                    ? " (run with -D" + PROPERTY + "=off to leave the opencl tests out)" : ""), e);
        }
    }

    /** For jqwik properties: {@code @AddLifecycleHook(OpenClTesting.Present.class)}; skips only when opted out. */
    public static final class Present implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            if (!optedOut()) {
                return SkipResult.doNotSkip();   // a missing device then fails the property itself
            }
            System.out.println(optOutLine() + ": " + context.label());
            return SkipResult.skip(optOutLine());
        }
    }
}
