package dev.nanoadam.conformance;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.StateType;
import java.util.Locale;
import java.util.Objects;

/**
 * One lock-step training run, reproducible from its fields alone: the workload by name, the seed of
 * the model's initial weights, of the batch order and of the RANDOM criterion, the number of
 * steps, every NanoAdam setting that changes what a backend computes, the parameter groups, and
 * where (if anywhere) the second run changes backends through a checkpoint.
 *
 * @param model name of the {@link Workload}
 * @param seed seed of the model's weights, the batch order and the RANDOM criterion
 * @param steps optimizer steps to run and compare
 * @param criterion selection criterion (SPEC.md §4)
 * @param momentPolicy moments at a refresh (SPEC.md §5)
 * @param stateType how m and v are stored (SPEC.md §5)
 * @param density initial density k0
 * @param finalDensity density at the end of the schedule; equal to {@code density} when it is off
 * @param densityInterval density update interval d, or 0 for no schedule; the schedule's total
 *     steps are {@code steps}
 * @param maskInterval mask refresh interval m
 * @param chunkSize chunk size C
 * @param groups how the optimizer is built over the model's parameters
 * @param lr learning rate
 * @param weightDecay decoupled weight decay
 * @param handover whether and which way the second run changes backends
 * @param handoverStep steps done before the handover (0 when there is none)
 */
public record Configuration(String model, long seed, int steps, Criterion criterion, MomentPolicy momentPolicy,
                            StateType stateType, double density, double finalDensity, int densityInterval,
                            int maskInterval, int chunkSize, Groups groups, double lr, double weightDecay,
                            Handover handover, int handoverStep) {

    public Configuration {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(momentPolicy, "momentPolicy");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(handover, "handover");
        if (steps < 1) {
            throw new IllegalArgumentException("configuration: steps must be positive, got " + steps);
        }
        if (densityInterval < 0) {
            throw new IllegalArgumentException("configuration: density interval must be 0 (off) or positive, got "
                    + densityInterval);
        }
        if (densityInterval == 0 && finalDensity != density) {
            throw new IllegalArgumentException("configuration: final density " + finalDensity
                    + " differs from the initial " + density + " but the schedule is off");
        }
        if (handover == Handover.NONE ? handoverStep != 0 : handoverStep < 1 || handoverStep >= steps) {
            throw new IllegalArgumentException("configuration: handover " + handover + " at step " + handoverStep
                    + " must be at 0 without a handover, else in [1, " + (steps - 1) + "]");
        }
        // Everything else (density, intervals, chunk size, rates) is NanoAdam's to validate.
    }

    /** Whether the density schedule is on. */
    public boolean scheduled() {
        return densityInterval > 0;
    }

    /** A builder with every setting of this configuration, on {@code backend}. */
    public NanoAdam.Builder optimizer(String backend) {
        NanoAdam.Builder b = NanoAdam.builder().backend(backend).criterion(criterion).momentPolicy(momentPolicy)
                .stateType(stateType).density(density).maskInterval(maskInterval).chunkSize(chunkSize)
                .lr(lr).weightDecay(weightDecay).seed(seed).nonFinite(NonFinitePolicy.ERROR);
        if (scheduled()) {
            b.finalDensity(finalDensity).densityInterval(densityInterval).totalSteps(steps);
        }
        return b;
    }

    /** The same configuration with fewer steps (a handover beyond them is dropped). */
    public Configuration withSteps(int newSteps) {
        boolean keep = handover != Handover.NONE && handoverStep < newSteps;
        return new Configuration(model, seed, newSteps, criterion, momentPolicy, stateType, density, finalDensity,
                densityInterval, maskInterval, chunkSize, groups, lr, weightDecay,
                keep ? handover : Handover.NONE, keep ? handoverStep : 0);
    }

    /** One short line for a table: the settings that vary between configurations. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(model).append(' ').append(abbreviation(criterion)).append('/')
                .append(momentPolicy.name().toLowerCase(Locale.ROOT)).append('/')
                .append(stateType.name().toLowerCase(Locale.ROOT))
                .append(" k=").append(number(density));
        if (scheduled()) {
            s.append("->").append(number(finalDensity)).append("/d").append(densityInterval);
        }
        s.append(" m=").append(maskInterval).append(" C=").append(chunkSize)
                .append(' ').append(groups.name().toLowerCase(Locale.ROOT));
        switch (handover) {
            case ORACLE_TO_CANDIDATE -> s.append(" resume@").append(handoverStep).append("->cand");
            case CANDIDATE_TO_ORACLE -> s.append(" resume@").append(handoverStep).append("->oracle");
            case NONE -> { }
        }
        s.append(" seed=").append(seed);
        return s.toString();
    }

    private static String abbreviation(Criterion c) {
        return switch (c) {
            case SMALLEST_MAGNITUDE -> "smallest";
            case LARGEST_MAGNITUDE -> "largest";
            case RANDOM -> "random";
            case LARGEST_GRADIENT -> "gradient";
        };
    }

    private static String number(double x) {
        String s = Double.toString(x);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
