package dev.nanoadam.conformance;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Backends;

/**
 * The vector width this JVM's {@code cpu} backend was forced to ({@code -Dnanoadam.cpu.vectorBits});
 * the build runs the cpu-width tests once per width, each in a JVM of its own, on every CPU: a
 * width wider than the CPU's is emulated exactly by the Vector API, so it is a slower test, never
 * a skipped one (STYLE.md rule 2).
 */
final class CpuWidth {
    private CpuWidth() {
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
}
