package dev.nanoadam.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The workloads the conformance suite trains ({@link Workloads#standard()}: the transformer and the
 * ResNet, on the committed data excerpts), looked up by the name a configuration carries.
 */
final class SuiteWorkloads {
    private SuiteWorkloads() {
    }

    /** Every workload of the suite. */
    static List<Workload> all() {
        try {
            return Workloads.standard();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
