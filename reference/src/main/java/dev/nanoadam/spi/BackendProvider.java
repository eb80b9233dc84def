package dev.nanoadam.spi;

import java.util.List;

/**
 * Finds and opens backends by name. Implementations are listed in
 * {@code META-INF/services/dev.nanoadam.spi.BackendProvider} and found by {@link java.util.ServiceLoader},
 * so a module such as {@code opencl} plugs in without {@code reference} knowing it.
 */
public interface BackendProvider {
    /** The names this provider offers, for listing (e.g. {@code "opencl"}, {@code "opencl:<platform>:<device>"}). */
    List<String> names();

    /** Whether {@code name} is one of this provider's. */
    boolean supports(String name);

    /**
     * Opens a backend.
     *
     * @throws BackendUnavailableException if the name is this provider's but it cannot run here
     *     (no device, no driver), saying why and how to fix it
     */
    Backend open(String name);
}
