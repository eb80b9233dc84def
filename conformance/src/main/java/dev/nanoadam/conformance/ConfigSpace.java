package dev.nanoadam.conformance;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.models.Classifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The configurations worth checking: the values each setting takes, a covering list in which every
 * criterion, moment policy, state type, schedule on and off, mask interval 1 and larger, chunk size
 * that divides the tensors and one that leaves a partial chunk, parameter-group choice and handover
 * appears, and seeded random draws from the same values. The property tests draw from these
 * values through jqwik (which shrinks a failure); the {@code conformance} command walks the
 * covering list, then random draws.
 */
public final class ConfigSpace {
    private ConfigSpace() {
    }

    /** Initial and final densities: from a few entries per chunk to every entry. */
    public static final double[] DENSITIES = {0.01, 0.05, 0.1, 0.3, 0.5, 1.0};
    /** Mask refresh intervals: every step, and less often. */
    public static final int[] MASK_INTERVALS = {1, 2, 3, 5};
    /** Density schedule update intervals. */
    public static final int[] DENSITY_INTERVALS = {1, 2, 3};
    /** Learning rates: small enough that a tiny model stays finite for a few steps, large enough to move. */
    public static final double[] LEARNING_RATES = {1e-3, 3e-3, 1e-2};
    /** Decoupled weight decays, zero included. */
    public static final double[] WEIGHT_DECAYS = {0.0, 0.01, 0.1};

    /** Chunk sizes for one model: ones that divide every SPARSE tensor, and ones that leave a partial last chunk. */
    public record ChunkSizes(int[] dividing, int[] partial) {
        public ChunkSizes {
            if (dividing.length == 0 || partial.length == 0) {
                throw new IllegalArgumentException("need chunk sizes of both kinds, got " + Arrays.toString(dividing)
                        + " and " + Arrays.toString(partial));
            }
            dividing = dividing.clone();
            partial = partial.clone();
        }

        @Override
        public int[] dividing() {
            return dividing.clone();
        }

        @Override
        public int[] partial() {
            return partial.clone();
        }
    }

    /**
     * Chunk sizes for the model's own SPARSE tensors: divisors (2 and up) of the largest power of two
     * that divides all of them, and sizes (7, 100, 1000, 4097, 65536) that leave a shorter last
     * chunk in the largest one.
     *
     * @throws IllegalArgumentException if the model has no SPARSE tensor whose size is even
     */
    public static ChunkSizes chunkSizes(Workload workload) {
        Classifier model = workload.newModel(0);
        int[] sizes = new int[model.sparseParameters().size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = model.sparseParameters().get(i).size();
        }
        return chunkSizes(workload.name(), sizes);
    }

    static ChunkSizes chunkSizes(String name, int[] sizes) {
        int power = 1 << 12;   // the largest candidate dividing chunk
        int largest = 0;
        for (int n : sizes) {
            if (n > 0) {
                power = Math.min(power, Integer.lowestOneBit(n));
            }
            largest = Math.max(largest, n);
        }
        List<Integer> dividing = new ArrayList<>();
        for (int c = power; c >= 2 && dividing.size() < 4; c /= 2) {
            dividing.add(c);
        }
        List<Integer> partial = new ArrayList<>();
        for (int c : new int[] {7, 100, 1000, 4097, 65536}) {
            if (largest % c != 0) {
                partial.add(c);
            }
        }
        if (dividing.isEmpty()) {
            throw new IllegalArgumentException("model " + name + ": SPARSE tensor sizes " + Arrays.toString(sizes)
                    + " have no common even divisor to make a dividing chunk size of");
        }
        return new ChunkSizes(dividing.stream().mapToInt(Integer::intValue).toArray(),
                partial.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Whether {@code chunk} divides the size of every parameter of {@code sparse}. */
    public static boolean dividesAll(int chunk, List<Parameter> sparse) {
        for (Parameter p : sparse) {
            if (p.size() % chunk != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A configuration from independent choices, made consistent: the schedule's final density is
     * used only when {@code schedule} is on, and a handover is moved into {@code [1, steps - 1]}
     * (dropped when there is a single step).
     */
    public static Configuration configuration(String model, long seed, int steps, Criterion criterion,
                                              MomentPolicy policy, StateType stateType, double density,
                                              boolean schedule, double finalDensity, int densityInterval,
                                              int maskInterval, int chunkSize, Groups groups, double lr,
                                              double weightDecay, Handover handover, int handoverStep) {
        boolean hand = handover != Handover.NONE && steps >= 2;
        return new Configuration(model, seed, steps, criterion, policy, stateType, density,
                schedule ? finalDensity : density, schedule ? densityInterval : 0, maskInterval, chunkSize, groups,
                lr, weightDecay, hand ? handover : Handover.NONE, hand ? Math.max(1, Math.min(handoverStep, steps - 1)) : 0);
    }

    /**
     * Sixteen configurations, one per criterion, moment policy and state type, in which every other
     * setting's values each appear too: schedule on and off, each mask interval, dividing and
     * partial chunks, each parameter-group choice and each handover.
     */
    public static List<Configuration> covering(String model, ChunkSizes chunks, long seed, int steps) {
        List<Configuration> out = new ArrayList<>();
        int i = 0;
        for (Criterion c : Criterion.values()) {
            for (MomentPolicy p : MomentPolicy.values()) {
                for (StateType s : StateType.values()) {
                    boolean schedule = i % 2 == 1;
                    int[] kind = (i / 2) % 2 == 0 ? chunks.dividing : chunks.partial;
                    int chunk = kind[(i / 4) % kind.length];
                    Handover h = Handover.values()[(i / 3) % Handover.values().length];
                    out.add(configuration(model, seed + i, steps, c, p, s, DENSITIES[i % DENSITIES.length], schedule,
                            DENSITIES[(i + 3) % DENSITIES.length], DENSITY_INTERVALS[i % DENSITY_INTERVALS.length],
                            MASK_INTERVALS[(i + i / 4) % MASK_INTERVALS.length], chunk, Groups.values()[i % Groups.values().length],
                            LEARNING_RATES[i % LEARNING_RATES.length], WEIGHT_DECAYS[i % WEIGHT_DECAYS.length], h,
                            1 + i % Math.max(1, steps - 1)));
                    i++;
                }
            }
        }
        return out;
    }

    /** A seeded random configuration of at most {@code maxSteps} steps (at least 2). */
    public static Configuration random(String model, ChunkSizes chunks, SplittableRandom r, int maxSteps) {
        int steps = 2 + r.nextInt(Math.max(1, maxSteps - 1));
        int[] kind = r.nextBoolean() ? chunks.dividing : chunks.partial;
        return configuration(model, r.nextInt(1_000_000), steps, pick(r, Criterion.values()),
                pick(r, MomentPolicy.values()), pick(r, StateType.values()), DENSITIES[r.nextInt(DENSITIES.length)],
                r.nextBoolean(), DENSITIES[r.nextInt(DENSITIES.length)],
                DENSITY_INTERVALS[r.nextInt(DENSITY_INTERVALS.length)], MASK_INTERVALS[r.nextInt(MASK_INTERVALS.length)],
                kind[r.nextInt(kind.length)], pick(r, Groups.values()), LEARNING_RATES[r.nextInt(LEARNING_RATES.length)],
                WEIGHT_DECAYS[r.nextInt(WEIGHT_DECAYS.length)], pick(r, Handover.values()), 1 + r.nextInt(steps));
    }

    private static <T> T pick(SplittableRandom r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
