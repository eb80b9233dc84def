package dev.nanoadam.conformance;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Two independent runs on the oracle backend itself agree: the models build the same weights from
 * the same seed and compute the same losses and gradients from the same weights and batches, run
 * after run, whatever the threads do. Every other property rests on this; when it fails, backend
 * disagreements say nothing.
 */
class ModelDeterminismProperties {

    @Provide
    Arbitrary<Configuration> configurations() {
        return Generated.configurations(SuiteWorkloads.all(), Budget.MAX_STEPS);
    }

    @Property(tries = Budget.SUITE_TRIES, seed = "20251106")
    void twoRunsOnTheOracleAgree(@ForAll("configurations") Configuration c) {
        Coverage.record(c);
        Lockstep.assertAgree(SuiteWorkloads.of(c), c, "cpu-scalar", "cpu-scalar");
    }
}
