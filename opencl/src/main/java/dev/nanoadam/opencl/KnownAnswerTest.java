package dev.nanoadam.opencl;

import dev.nanoadam.StateType;
import dev.nanoadam.cpu.ScalarBackend;
import dev.nanoadam.spi.KnownAnswer;

/**
 * SPEC.md §10's start-up check: {@link KnownAnswer}'s scenario run through the device's kernels and
 * through {@code cpu-scalar}, compared bit for bit. It covers selection under every criterion (with both
 * key placements and a batch of one chunk, so the batched path runs), RESET and CARRY remaps, both
 * state types, masked and dense updates with and without reused gradients, subnormal, zero, tied,
 * NaN and infinite values, and the non-finite check. A driver that contracts {@code a*b+c}, flushes
 * subnormals or rounds a division differently fails here, before it touches a model.
 */
final class KnownAnswerTest {
    private KnownAnswerTest() {
    }

    /** Null when the device agrees with cpu-scalar everywhere, else where it first differs. */
    static String run(DeviceRuntime device) {
        for (OpenClBackend.KeyPlacement keys : OpenClBackend.KeyPlacement.values()) {
            for (StateType type : StateType.values()) {
                try (OpenClBackend candidate = new OpenClBackend(device, keys, 4L * KnownAnswer.CHUNK);
                     ScalarBackend oracle = new ScalarBackend()) {
                    String what = type + ", selection keys " + keys.name().toLowerCase(java.util.Locale.ROOT);
                    String where;
                    try {
                        where = KnownAnswer.scenario(oracle, candidate, type, what);
                    } catch (RuntimeException e) {
                        where = what + ": " + e;
                    }
                    if (where != null) {
                        return where;
                    }
                }
            }
        }
        return null;
    }
}
