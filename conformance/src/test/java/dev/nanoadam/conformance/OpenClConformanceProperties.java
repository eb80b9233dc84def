package dev.nanoadam.conformance;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** {@code opencl} against the {@code cpu-scalar} oracle on generated configurations of every model. */
@AddLifecycleHook(OpenClPresence.Hook.class)
class OpenClConformanceProperties {

    @Provide
    Arbitrary<Configuration> configurations() {
        return Generated.configurations(SuiteWorkloads.all(), Budget.MAX_STEPS);
    }

    @Property(tries = Budget.SUITE_TRIES, seed = "20251105")
    void openClAgreesWithTheOracle(@ForAll("configurations") Configuration c) {
        Coverage.record(c);
        Lockstep.assertAgree(SuiteWorkloads.of(c), c, "cpu-scalar", "opencl");
    }
}
