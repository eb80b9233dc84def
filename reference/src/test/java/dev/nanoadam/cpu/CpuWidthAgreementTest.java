package dev.nanoadam.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import dev.nanoadam.testing.Lockstep;
import dev.nanoadam.testing.Scenario;
import org.junit.jupiter.api.Test;

/**
 * {@code cpu} against {@code cpu-scalar} at the vector width this JVM was forced to
 * ({@code -Dnanoadam.cpu.vectorBits}); the build runs this class once per width (STYLE.md rule 2), on
 * every CPU: a width wider than the CPU's is emulated exactly by the Vector API, slower, not skipped.
 * Every masked access ({@link MaskedAccess}), criterion, moment policy and state type, several
 * seeded scenarios each.
 */
class CpuWidthAgreementTest {

    @Test
    void cpuMatchesScalarAtTheForcedWidth() {
        String forced = System.getProperty("nanoadam.cpu.vectorBits", "preferred");
        if (!forced.equals("preferred")) {
            assertEquals(forced.equals("scalar"), VectorBackend.SCALAR);
            if (!VectorBackend.SCALAR) {
                assertEquals(Integer.parseInt(forced), VectorBackend.F.vectorBitSize());
            }
        }
        for (MaskedAccess a : MaskedAccess.values()) {
            System.out.println("cpu vs cpu-scalar at " + new VectorBackend(a).description());
            long seed = 1;
            for (Criterion c : Criterion.values()) {
                for (MomentPolicy p : MomentPolicy.values()) {
                    for (StateType s : StateType.values()) {
                        for (int i = 0; i < 4; i++) {
                            Lockstep.run(new Scenario(seed++ * 7919, c, p, s, 9000), "cpu-scalar",
                                    MaskedAccessBackends.nameOf(a));
                        }
                    }
                }
            }
        }
        assertEquals(new VectorBackend(MaskedAccess.CHOSEN).description(), new VectorBackend().description(),
                "the default backend runs the masked access chosen once for this JVM");
    }
}
