package dev.nanoadam.conformance;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@code tornado} against the {@code cpu-scalar} oracle on generated configurations of every model. */
class TornadoConformanceProperties {

    @Provide
    Arbitrary<Configuration> configurations() {
        return Generated.configurations(SuiteWorkloads.all(), Budget.MAX_STEPS);
    }

    @Property(tries = Budget.SUITE_TRIES, seed = "20251105")
    void tornadoAgreesWithTheOracle(@ForAll("configurations") Configuration c) {
        Coverage.record(c);
        Lockstep.assertAgree(SuiteWorkloads.of(c), c, "cpu-scalar", "tornado");
    }
}
