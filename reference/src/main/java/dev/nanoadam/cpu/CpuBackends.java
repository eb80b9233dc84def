package dev.nanoadam.cpu;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendProvider;
import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.KnownAnswerTest;
import java.util.List;

/**
 * Provides {@code "cpu"} (Vector API, all cores) and {@code "cpu-scalar"} (the oracle). The first
 * {@code "cpu"} opened in a JVM runs SPEC.md §10's known-answer test against {@code cpu-scalar}; on
 * any difference every {@code "cpu"} is refused, saying where.
 */
public final class CpuBackends implements BackendProvider {
    private static boolean verified;
    private static String verifyFailure;   // where the known-answer test found a difference, or null

    @Override
    public List<String> names() {
        return List.of("cpu", "cpu-scalar");
    }

    @Override
    public boolean supports(String name) {
        return "cpu".equals(name) || "cpu-scalar".equals(name);
    }

    @Override
    public Backend open(String name) {
        return switch (name) {
            case "cpu-scalar" -> new ScalarBackend();
            case "cpu" -> {
                verify();
                yield new VectorBackend();
            }
            default -> throw new IllegalArgumentException("backend: not a CPU backend: " + name);
        };
    }

    private static synchronized void verify() {
        if (!verified) {
            verifyFailure = KnownAnswerTest.run("cpu", VectorBackend::new);
            verified = true;
        }
        if (verifyFailure != null) {
            throw new BackendUnavailableException("cpu: differs from cpu-scalar in the known-answer test (SPEC.md §10),"
                    + " so it is not used: " + verifyFailure);
        }
    }
}
