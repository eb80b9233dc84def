package dev.nanoadam.cli.experiment;

import dev.nanoadam.AdamW;
import dev.nanoadam.Criterion;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.models.Classifier;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines the optimizer of one fine-tuning run, so the run can be named, written
 * down and rebuilt: the kind, its learning rate, and for NanoAdam the density, its schedule, the
 * mask interval and the selection criterion (SPEC.md §2-§4). Weight decay is 0, as in the paper's
 * vision experiments.
 *
 * @param finalDensity density at the end of the linear schedule; equal to {@code density} when the
 *     schedule is off
 * @param densityInterval steps between density updates; 0 turns the schedule off
 * @param backend backend name, e.g. {@code cpu}
 * @param seed seed of the RANDOM criterion
 */
public record OptimizerSpec(Kind kind, double lr, double density, double finalDensity, int densityInterval,
                            int maskInterval, Criterion criterion, String backend, long seed) {

    /** Which optimizer. */
    public enum Kind {
        /** Adam on the smallest weights of each chunk; AdamW on norms and heads. */
        NANOADAM,
        /** AdamW on every weight. */
        ADAMW
    }

    public OptimizerSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(backend, "backend");
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        if (kind == Kind.NANOADAM) {
            if (!(density > 0 && density <= 1) || !(finalDensity > 0 && finalDensity <= 1)) {
                throw new IllegalArgumentException("density must be in (0, 1], got " + density + " (final " + finalDensity + ")");
            }
            if (maskInterval < 1 || densityInterval < 0) {
                throw new IllegalArgumentException("mask interval must be >= 1 and density interval >= 0, got "
                        + maskInterval + " and " + densityInterval);
            }
        }
    }

    /** AdamW at {@code lr}. */
    public static OptimizerSpec adamw(double lr, String backend) {
        return new OptimizerSpec(Kind.ADAMW, lr, 1, 1, 0, 1, Criterion.SMALLEST_MAGNITUDE, backend, 0);
    }

    /** NanoAdam at {@code lr} with a fixed density. */
    public static OptimizerSpec nanoadam(double lr, double density, int maskInterval, Criterion criterion,
                                         String backend, long seed) {
        return new OptimizerSpec(Kind.NANOADAM, lr, density, density, 0, maskInterval, criterion, backend, seed);
    }

    /** The same optimizer on another backend (backends compute the same bits, SPEC.md §10). */
    public OptimizerSpec withBackend(String name) {
        return new OptimizerSpec(kind, lr, density, finalDensity, densityInterval, maskInterval, criterion, name, seed);
    }

    /**
     * The run's name in tables and {@code results.json}: {@code adamw}, {@code nanoadam}, or for the
     * ablation criteria {@code nanoadam-largest}, {@code nanoadam-random}, {@code nanoadam-large-gradient}.
     */
    public String label() {
        if (kind == Kind.ADAMW) {
            return "adamw";
        }
        return criterion == Criterion.SMALLEST_MAGNITUDE ? "nanoadam" : "nanoadam-" + criterionName(criterion);
    }

    /** Builds the optimizer over the model's parameters; {@code totalSteps} sets the density schedule's T. */
    public Optimizer build(Classifier model, long totalSteps) {
        if (kind == Kind.ADAMW) {
            return AdamW.builder().lr(lr).backend(backend).build(model.parameters());
        }
        NanoAdam.Builder b = NanoAdam.builder().lr(lr).density(density).finalDensity(finalDensity)
                .maskInterval(maskInterval).criterion(criterion).seed(seed).backend(backend);
        if (densityInterval > 0) {
            b.densityInterval(densityInterval).totalSteps(totalSteps);
        }
        return b.build(model.sparseParameters(), model.denseParameters());
    }

    /** The settings as a JSON object (for {@code config.json} and resumable runs). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", kind.name().toLowerCase(Locale.ROOT));
        m.put("lr", lr);
        if (kind == Kind.NANOADAM) {
            m.put("density", density);
            m.put("final_density", finalDensity);
            m.put("density_interval", (long) densityInterval);
            m.put("mask_interval", (long) maskInterval);
            m.put("criterion", criterionName(criterion));
            m.put("seed", seed);
        }
        m.put("backend", backend);
        return m;
    }

    /** The command-line name of a criterion: {@code smallest}, {@code largest}, {@code random}, {@code large-gradient}. */
    public static String criterionName(Criterion c) {
        return switch (c) {
            case SMALLEST_MAGNITUDE -> "smallest";
            case LARGEST_MAGNITUDE -> "largest";
            case RANDOM -> "random";
            case LARGEST_GRADIENT -> "large-gradient";
        };
    }

    /** The criterion a command-line name stands for. */
    public static Criterion parseCriterion(String name) {
        for (Criterion c : Criterion.values()) {
            if (criterionName(c).equals(name.strip().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown criterion '" + name + "'; known: smallest, largest, random, large-gradient");
    }
}
