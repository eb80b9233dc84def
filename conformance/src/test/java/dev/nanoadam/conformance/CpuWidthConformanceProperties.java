package dev.nanoadam.conformance;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code cpu}, at the vector width this JVM was forced to, against the {@code cpu-scalar} oracle on
 * generated configurations of every model; run once per width like {@link CpuWidthConformanceTest}.
 */
class CpuWidthConformanceProperties {

    @Provide
    Arbitrary<Configuration> configurations() {
        return Generated.configurations(SuiteWorkloads.all(), Budget.MAX_STEPS);
    }

    @Property(tries = Budget.WIDTH_TRIES, seed = "20251107")
    void cpuAgreesWithTheOracle(@ForAll("configurations") Configuration c) {
        CpuWidth.check();
        Coverage.record(c);
        Lockstep.assertAgree(SuiteWorkloads.of(c), c, "cpu-scalar", "cpu");
    }
}
