package dev.nanoadam.tornado;

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
 * {@code tornado} against the {@code cpu-scalar} oracle, step for step, bit for bit (weights, masks,
 * m, v), for every criterion, moment policy and state type over awkward sizes and chunk sizes: the
 * same property the {@code opencl} backend passes, with fewer tries because every new K costs
 * TornadoVM a compilation.
 */
@AddLifecycleHook(TornadoTesting.Present.class)
class TornadoAgreementProperties {

    @Property(tries = 20, seed = "20250611")
    void tornadoMatchesScalarAfterEveryStep(@ForAll Criterion criterion, @ForAll MomentPolicy policy,
                                            @ForAll StateType stateType, @ForAll @LongRange(min = 1) long seed) {
        Lockstep.run(new Scenario(seed, criterion, policy, stateType, 20000), "cpu-scalar", "tornado");
    }
}
