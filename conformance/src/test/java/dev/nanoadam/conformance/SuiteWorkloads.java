package dev.nanoadam.conformance;

import dev.nanoadam.models.data.DatasetNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The workloads the conformance suite trains ({@link Workloads#standard()}: the transformer and the
 * ResNet), looked up by the name a configuration carries. A data set that is not installed skips
 * the test, printing which package provides it.
 */
final class SuiteWorkloads {
    private SuiteWorkloads() {
    }

    /** Every workload of the suite. */
    static List<Workload> all() {
        try {
            return Workloads.standard();
        } catch (DatasetNotFoundException e) {
            System.out.println("SKIPPED (data set not installed): " + e.getMessage());
            return Assumptions.abort("data set not installed: " + e.getMessage());
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
