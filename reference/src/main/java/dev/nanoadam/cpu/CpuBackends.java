package dev.nanoadam.cpu;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendProvider;
import java.util.List;

/** Provides {@code "cpu"} (Vector API, all cores) and {@code "cpu-scalar"} (the oracle). */
public final class CpuBackends implements BackendProvider {
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
            case "cpu" -> new VectorBackend();
            default -> throw new IllegalArgumentException("backend: not a CPU backend: " + name);
        };
    }
}
