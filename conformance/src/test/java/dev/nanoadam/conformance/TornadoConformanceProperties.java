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

    /**
     * Eight tries (opencl runs 150): every K not seen before in the JVM costs TornadoVM a compilation
     * (docs/TORNADO.md), and the covering list of {@link TornadoConformanceTest} already reaches
     * every dimension. The comparison is the same, bit for bit.
     */
    @Property(tries = 8, seed = "20251105")
    void tornadoAgreesWithTheOracle(@ForAll("configurations") Configuration c) {
        Coverage.record(c);
        Lockstep.assertAgree(SuiteWorkloads.of(c), c, "cpu-scalar", "tornado");
    }
}
