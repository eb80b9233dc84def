package dev.nanoadam.tornado;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendProvider;
import dev.nanoadam.spi.BackendUnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * Provides {@code "tornado"} (the first GPU TornadoVM lists, else its first device) and
 * {@code "tornado:<backend>:<device>"} (TornadoVM's backend and device indices).
 *
 * <p>This class touches no TornadoVM type until {@link TornadoPresence} has found TornadoVM in the
 * JVM, so that a JVM started without {@code @tornado/target/tornado.argfile} gets one line saying
 * what is missing. Opening a device runs the known-answer test against {@code cpu-scalar} once per
 * device and JVM; a device that fails it is refused, saying where it differs.
 */
public final class TornadoProvider implements BackendProvider {
    private static final String PREFIX = "tornado";

    /** "tornado" and one name per device; just "tornado" where TornadoVM cannot run (opening it says why). */
    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(PREFIX);
        if (TornadoPresence.missing() == null) {
            try {
                names.addAll(Devices.names());
            } catch (RuntimeException e) {
                // Listing stays quiet; open("tornado") gives the reason.
            }
        }
        return names;
    }

    @Override
    public boolean supports(String name) {
        return name.equals(PREFIX) || name.startsWith(PREFIX + ":");
    }

    /**
     * @throws IllegalArgumentException if {@code name} is not {@code tornado} or {@code tornado:<int>:<int>}
     * @throws BackendUnavailableException if TornadoVM is not in this JVM, has no such device, or the
     *     device fails the known-answer test, saying why
     */
    @Override
    public Backend open(String name) {
        int[] indices = indices(name);
        String missing = TornadoPresence.missing();
        if (missing != null) {
            throw new TornadoMissingException(missing);
        }
        return Devices.open(indices);
    }

    private static int[] indices(String name) {
        if (name.equals(PREFIX)) {
            return null;
        }
        String[] parts = name.split(":", -1);
        if (parts.length != 3 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("backend '" + name + "': expected tornado or tornado:<backend>:<device>,"
                    + " e.g. tornado:0:0");
        }
        try {
            return new int[] {Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("backend '" + name + "': backend and device must be indices,"
                    + " e.g. tornado:0:0", e);
        }
    }
}
