package dev.nanoadam.conformance;

import java.util.List;

/** The workloads the conformance suite trains, looked up by the name a configuration carries. */
final class SuiteWorkloads {
    private SuiteWorkloads() {
    }

    /** Every workload of the suite. */
    static List<Workload> all() {
        return List.of(TestWorkloads.mlpImages(), TestWorkloads.mlpText());
    }

    /** The workload a configuration names. */
    static Workload of(Configuration c) {
        for (Workload w : all()) {
            if (w.name().equals(c.model())) {
                return w;
            }
        }
        throw new IllegalArgumentException("no workload named '" + c.model() + "' in the suite");
    }
}
