package dev.nanoadam.tornado;

import dev.nanoadam.spi.Backends;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether the {@code tornado} tests run. They run, and fail when TornadoVM or its device is missing,
 * unless the user opts out with {@code -Dnanoadam.tornado=off}; then one printed line says so.
 */
final class TornadoTesting {
    private TornadoTesting() {
    }

    static final String OPT_OUT = "nanoadam.tornado";

    private static boolean probed;
    private static RuntimeException failure;

    static boolean optedOut() {
        return "off".equalsIgnoreCase(System.getProperty(OPT_OUT, "on"));
    }

    /** Opens "tornado" once (the known-answer test runs then); null when it opened. */
    private static synchronized RuntimeException failure() {
        if (!probed) {
            probed = true;
            try {
                Backends.open("tornado").close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        return failure;
    }

    /** For JUnit tests: skips only when opted out (saying so), fails when tornado does not open. */
    static void requireTornado() {
        if (optedOut()) {
            System.out.println("SKIPPED: -D" + OPT_OUT + "=off: the tornado backend's tests do not run");
            Assumptions.abort("-D" + OPT_OUT + "=off");
        }
        RuntimeException e = failure();
        if (e != null) {
            throw new AssertionError("the tornado backend does not open: " + e.getMessage(), e);
        }
    }

    /** For jqwik properties: {@code @AddLifecycleHook(TornadoTesting.Present.class)}. */
    public static final class Present implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            if (optedOut()) {
                System.out.println("SKIPPED " + context.label() + ": -D" + OPT_OUT + "=off");
                return SkipResult.skip("-D" + OPT_OUT + "=off");
            }
            RuntimeException e = failure();
            if (e != null) {
                throw new AssertionError("the tornado backend does not open: " + e.getMessage(), e);
            }
            return SkipResult.doNotSkip();
        }
    }
}
