package dev.nanoadam.conformance;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;

/** {@link ConfigSpace#covering} of every suite workload as one dynamic test per configuration. */
final class Covering {
    private Covering() {
    }

    static List<DynamicTest> tests(String oracle, String candidate) {
        List<DynamicTest> out = new ArrayList<>();
        for (Workload w : SuiteWorkloads.all()) {
            ConfigSpace.ChunkSizes chunks = ConfigSpace.chunkSizes(w);
            for (Configuration c : ConfigSpace.covering(w.name(), chunks, 1, Budget.COMMAND_STEPS)) {
                out.add(DynamicTest.dynamicTest(c.summary(), () -> Lockstep.assertAgree(w, c, oracle, candidate)));
            }
        }
        return out;
    }
}
