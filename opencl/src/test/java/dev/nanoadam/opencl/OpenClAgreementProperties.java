package dev.nanoadam.opencl;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import dev.nanoadam.testing.Lockstep;
import dev.nanoadam.testing.Scenario;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * {@code opencl} against the {@code cpu-scalar} oracle, step for step, bit for bit (weights, masks,
 * m, v), for every criterion, moment policy and state type over awkward sizes and chunk sizes
 * (1 to 65536, including lengths that are not multiples of the work-group size).
 */
@AddLifecycleHook(OpenClTesting.Present.class)
class OpenClAgreementProperties {

    @Property(tries = 800, seed = "20250611")
    void openClMatchesScalarAfterEveryStep(@ForAll Criterion criterion, @ForAll MomentPolicy policy,
                                           @ForAll StateType stateType, @ForAll @LongRange(min = 1) long seed) {
        Lockstep.run(new Scenario(seed, criterion, policy, stateType, 20000), "cpu-scalar", "opencl");
    }
}
