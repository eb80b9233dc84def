package dev.nanoadam.conformance;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Backends;
import jdk.incubator.vector.FloatVector;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.Assumptions;

/**
 * The vector width this JVM's {@code cpu} backend was forced to ({@code -Dnanoadam.cpu.vectorBits});
 * the build runs the cpu-width tests once per width, each in a JVM of its own.
 */
final class CpuWidth {
    private CpuWidth() {
    }

    /** The forced width, or null when the CPU has no vectors that wide (then the caller skips). */
    static String skipReason() {
        String forced = System.getProperty("nanoadam.cpu.vectorBits", "preferred");
        int widest = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (!forced.equals("scalar") && !forced.equals("preferred") && Integer.parseInt(forced) > widest) {
            return "this CPU's widest float vector is " + widest + " bits; " + forced + "-bit vectors are not tested on it";
        }
        return null;
    }

    /** For JUnit tests: skips (printing why) when the forced width is wider than this CPU's; else checks it. */
    static void assume() {
        String reason = skipReason();
        if (reason != null) {
            System.out.println("SKIPPED: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        check();
    }

    private static boolean checked;

    /** Fails unless the cpu backend really runs at the forced width; prints which once. */
    static synchronized void check() {
        if (checked) {
            return;
        }
        checked = true;
        String forced = System.getProperty("nanoadam.cpu.vectorBits", "preferred");
        try (Backend cpu = Backends.open("cpu")) {
            String d = cpu.description();
            String expected = switch (forced) {
                case "preferred" -> "-bit";
                case "scalar" -> "forced scalar";
                default -> forced + "-bit";
            };
            if (!d.contains(expected)) {
                throw new AssertionError("-Dnanoadam.cpu.vectorBits=" + forced + " but the cpu backend says: " + d);
            }
            System.out.println("cpu vs cpu-scalar on models at " + d);
        }
    }

    /** For jqwik properties: {@code @AddLifecycleHook(CpuWidth.Hook.class)} skips when the CPU lacks the width. */
    public static final class Hook implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            String reason = skipReason();
            if (reason == null) {
                return SkipResult.doNotSkip();
            }
            System.out.println("SKIPPED " + context.label() + ": " + reason);
            return SkipResult.skip(reason);
        }
    }
}
