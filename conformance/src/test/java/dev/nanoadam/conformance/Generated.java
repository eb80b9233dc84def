package dev.nanoadam.conformance;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of {@link Configuration}s over {@link ConfigSpace}'s values. Every choice is its
 * own arbitrary, so a failing configuration shrinks setting by setting: fewer steps (and so no
 * handover), seed 0, the first criterion, policy and state type, the first density, no schedule.
 */
final class Generated {
    private Generated() {
    }

    /** Settings of the first half, combined into one value so that two combines cover all sixteen. */
    private record Head(long seed, int steps, Criterion criterion, MomentPolicy policy, StateType stateType,
                        double density, boolean schedule, double finalDensity) {
    }

    private record Tail(int densityInterval, int maskInterval, int chunk, Groups groups, double lr, double weightDecay,
                        Handover handover, int handoverStep) {
    }

    /** Configurations of {@code workload}, at most {@code maxSteps} steps. */
    static Arbitrary<Configuration> configurations(Workload workload, int maxSteps) {
        ConfigSpace.ChunkSizes chunks = ConfigSpace.chunkSizes(workload);
        String model = workload.name();
        Arbitrary<Head> head = Combinators.combine(
                Arbitraries.longs().between(0, 1L << 40),
                Arbitraries.integers().between(1, maxSteps),
                Arbitraries.of(Criterion.class),
                Arbitraries.of(MomentPolicy.class),
                Arbitraries.of(StateType.class),
                Arbitraries.of(boxed(ConfigSpace.DENSITIES)),
                Arbitraries.of(false, true),
                Arbitraries.of(boxed(ConfigSpace.DENSITIES))).as(Head::new);
        Arbitrary<Tail> tail = Combinators.combine(
                Arbitraries.of(boxed(ConfigSpace.DENSITY_INTERVALS)),
                Arbitraries.of(boxed(ConfigSpace.MASK_INTERVALS)),
                Arbitraries.oneOf(Arbitraries.of(boxed(chunks.dividing())), Arbitraries.of(boxed(chunks.partial()))),
                Arbitraries.of(Groups.class),
                Arbitraries.of(boxed(ConfigSpace.LEARNING_RATES)),
                Arbitraries.of(boxed(ConfigSpace.WEIGHT_DECAYS)),
                Arbitraries.of(Handover.class),
                Arbitraries.integers().between(1, Math.max(1, maxSteps - 1))).as(Tail::new);
        return Combinators.combine(head, tail).as((h, t) -> ConfigSpace.configuration(model, h.seed(), h.steps(),
                h.criterion(), h.policy(), h.stateType(), h.density(), h.schedule(), h.finalDensity(),
                t.densityInterval(), t.maskInterval(), t.chunk(), t.groups(), t.lr(), t.weightDecay(), t.handover(),
                t.handoverStep()));
    }

    /** Configurations of any of {@code workloads}. */
    static Arbitrary<Configuration> configurations(List<Workload> workloads, int maxSteps) {
        List<Arbitrary<Configuration>> each = new ArrayList<>();
        for (Workload w : workloads) {
            each.add(configurations(w, maxSteps));
        }
        return Arbitraries.oneOf(each);
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    private static List<Integer> boxed(int[] values) {
        List<Integer> out = new ArrayList<>();
        for (int v : values) {
            out.add(v);
        }
        return out;
    }
}
