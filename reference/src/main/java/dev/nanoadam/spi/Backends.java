package dev.nanoadam.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Looks backends up by name through {@link ServiceLoader}. */
public final class Backends {
    private Backends() {
    }

    /** Every backend name the providers on the class path offer. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            names.addAll(p.names());
        }
        return names;
    }

    /**
     * Opens the backend called {@code name}.
     *
     * @throws IllegalArgumentException naming the available backends if none answers to {@code name}
     * @throws BackendUnavailableException if the backend exists but cannot run here
     */
    public static Backend open(String name) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            if (p.supports(name)) {
                return p.open(name);
            }
        }
        throw new IllegalArgumentException("backend: unknown backend '" + name + "'; available: " + available());
    }
}
