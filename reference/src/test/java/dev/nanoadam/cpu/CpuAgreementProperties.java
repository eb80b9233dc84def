package dev.nanoadam.cpu;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import dev.nanoadam.testing.Lockstep;
import dev.nanoadam.testing.Scenario;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * {@code cpu} against the {@code cpu-scalar} oracle, step for step, bit for bit (weights, masks,
 * m, v), for every criterion, moment policy and state type over awkward sizes and chunk sizes.
 * The build runs this class once per vector width ({@code -Dnanoadam.cpu.vectorBits}); within a
 * run, every {@link MaskedAccess} the backend can select is tried ({@link MaskedAccessBackends}).
 */
class CpuAgreementProperties {

    @Provide
    Arbitrary<String> cpuVariants() {
        return Arbitraries.of(MaskedAccessBackends.all());
    }

    @Property(tries = 1500, seed = "7340033")
    void cpuMatchesScalarAfterEveryStep(@ForAll Criterion criterion, @ForAll MomentPolicy policy,
                                        @ForAll StateType stateType, @ForAll @LongRange(min = 1) long seed,
                                        @ForAll("cpuVariants") String cpu) {
        Lockstep.run(new Scenario(seed, criterion, policy, stateType, 20000), "cpu-scalar", cpu);
    }

    /** Fewer, larger tensors: several chunks of up to 65536 entries each. */
    @Property(tries = 60, seed = "65536")
    void cpuMatchesScalarOnLargeTensors(@ForAll Criterion criterion, @ForAll MomentPolicy policy,
                                        @ForAll StateType stateType, @ForAll @LongRange(min = 1) long seed,
                                        @ForAll("cpuVariants") String cpu) {
        Lockstep.run(new Scenario(seed, criterion, policy, stateType, 200_000), "cpu-scalar", cpu);
    }
}
