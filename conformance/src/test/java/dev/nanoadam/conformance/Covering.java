package dev.nanoadam.conformance;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;

/** {@link ConfigSpace#covering} of every suite workload as one dynamic test per configuration. */
final class Covering {
    private Covering() {
    }

    /** Configurations per model of {@link #determinism}: enough to warm the model's code up. */
    private static final int DETERMINISM_CONFIGURATIONS = 4;

    /**
     * The start of each model's covering list, the oracle against itself: in this JVM, with its
     * model math, two runs of one model agree (else no backend comparison here means anything).
     */
    static List<DynamicTest> determinism(String oracle) {
        List<DynamicTest> out = new ArrayList<>();
        for (Workload w : SuiteWorkloads.all()) {
            List<Configuration> list = ConfigSpace.covering(w.name(), ConfigSpace.chunkSizes(w), 1, Budget.SUITE_COVERING_STEPS);
            for (Configuration c : list.subList(0, DETERMINISM_CONFIGURATIONS)) {
                out.add(DynamicTest.dynamicTest(c.summary(), () -> Lockstep.assertAgree(w, c, oracle, oracle)));
            }
        }
        return out;
    }

    static List<DynamicTest> tests(String oracle, String candidate) {
        List<DynamicTest> out = new ArrayList<>();
        for (Workload w : SuiteWorkloads.all()) {
            ConfigSpace.ChunkSizes chunks = ConfigSpace.chunkSizes(w);
            for (Configuration c : ConfigSpace.covering(w.name(), chunks, 1, Budget.SUITE_COVERING_STEPS)) {
                out.add(DynamicTest.dynamicTest(c.summary(), () -> Lockstep.assertAgree(w, c, oracle, candidate)));
            }
        }
        return out;
    }
}
