package dev.nanoadam.tornado;

import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.KnownAnswerTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Opens devices for {@link TornadoProvider} (loaded only once TornadoVM is known to be present). */
final class Devices {
    private Devices() {
    }

    /** Known-answer verdicts per device name: null for passed, else where it differed. */
    private static final Map<String, String> VERDICTS = new HashMap<>();

    static List<String> names() {
        return Device.names();
    }

    /** Opens the preferred device ({@code indices} null) or {@code tornado:<indices[0]>:<indices[1]>}. */
    static TornadoBackend open(int[] indices) {
        Device device = indices == null ? Device.preferred() : Device.at(indices[0], indices[1]);
        String verdict;
        synchronized (VERDICTS) {
            if (!VERDICTS.containsKey(device.backendName())) {
                VERDICTS.put(device.backendName(), knownAnswers(device));
            }
            verdict = VERDICTS.get(device.backendName());
        }
        if (verdict != null) {
            throw new BackendUnavailableException("tornado: " + device.description
                    + " fails the known-answer test against cpu-scalar (SPEC.md §10): " + verdict);
        }
        return new TornadoBackend(device);
    }

    /** SPEC.md §10's start-up check, both state types; null when the device agrees everywhere. */
    static String knownAnswers(Device device) {
        return KnownAnswerTest.run("tornado", () -> new TornadoBackend(device));
    }
}
