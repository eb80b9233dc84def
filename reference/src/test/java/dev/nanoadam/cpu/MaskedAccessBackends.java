package dev.nanoadam.cpu;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only backends {@code cpu-staged} and {@code cpu-gather}: the {@code cpu} backend forced to
 * each {@link MaskedAccess}, whatever this JVM chose, so that the lock-step properties cover every
 * kernel the {@code cpu} backend can select on any CPU.
 */
public final class MaskedAccessBackends implements BackendProvider {
    /** The backend name of every masked access, in declaration order. */
    static List<String> all() {
        List<String> names = new ArrayList<>();
        for (MaskedAccess a : MaskedAccess.values()) {
            names.add(nameOf(a));
        }
        return names;
    }

    static String nameOf(MaskedAccess a) {
        return "cpu-" + a.label();
    }

    @Override
    public List<String> names() {
        return all();
    }

    @Override
    public boolean supports(String name) {
        return all().contains(name);
    }

    @Override
    public Backend open(String name) {
        for (MaskedAccess a : MaskedAccess.values()) {
            if (nameOf(a).equals(name)) {
                return new VectorBackend(a);
            }
        }
        throw new IllegalArgumentException("backend: not a masked-access test backend: " + name);
    }
}
