package dev.nanoadam.conformance;

import dev.nanoadam.opencl.NoSuitableDeviceException;
import dev.nanoadam.spi.Backends;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether the {@code opencl} conformance tests run: always, unless the user opts out with
 * {@code -Dnanoadam.opencl=off} (each is then skipped with that reason printed). A machine without
 * a usable OpenCL device fails them, saying what to install, as does any other refusal of the
 * backend.
 */
final class OpenClPresence {
    private OpenClPresence() {
    }

    private static final String PROPERTY = "nanoadam.opencl";
    private static final String OPTED_OUT = "SKIPPED: opencl tests are off (-D" + PROPERTY + "=off)";

    private static boolean probed;
    private static RuntimeException failure;  // why "opencl" does not open, or null

    private static boolean optedOut() {
        return "off".equals(System.getProperty(PROPERTY));
    }

    private static synchronized RuntimeException probe() {
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

    /** For JUnit tests: skips when opted out, fails when the backend does not open. */
    static void assume() {
        if (optedOut()) {
            System.out.println(OPTED_OUT);
            Assumptions.abort(OPTED_OUT);
        }
        RuntimeException e = probe();
        if (e != null) {
            throw new AssertionError("the opencl backend does not open: " + e.getMessage() + (e instanceof NoSuitableDeviceException
                    ? " (run with -D" + PROPERTY + "=off to leave the opencl tests out)" : ""), e);
        }
    }

    /** For jqwik properties: {@code @AddLifecycleHook(OpenClPresence.Hook.class)}; skips only when opted out. */
    public static final class Hook implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            if (!optedOut()) {
                return SkipResult.doNotSkip();   // a missing device then fails the property itself
            }
            System.out.println(OPTED_OUT + ": " + context.label());
            return SkipResult.skip(OPTED_OUT);
        }
    }
}
