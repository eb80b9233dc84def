package dev.nanoadam.experiments;

import dev.nanoadam.AdamW;
import dev.nanoadam.AdamW8bit;
import dev.nanoadam.Criterion;
import dev.nanoadam.GaLore;
import dev.nanoadam.MicroAdam;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.models.Classifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines the optimizer of one fine-tuning run, so the run can be named, written
 * down and rebuilt: the kind, its learning rate, and for NanoAdam the density, its schedule, the
 * mask interval and the selection criterion (SPEC.md §2-§4). Weight decay is 0, as in the paper's
 * vision experiments. The paper's other baselines ({@link AdamW8bit}, {@link GaLore}, {@link MicroAdam})
 * run with their own defaults (docs/BASELINES.md) on the {@code cpu} backend, the only one they have.
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
        ADAMW,
        /** AdamW with block-wise 8-bit moments (Dettmers et al.). */
        ADAMW8BIT,
        /** Adam on a low-rank projection of each matrix's gradient (Zhao et al.); AdamW on the rest. */
        GALORE,
        /** Top-k gradients with 4-bit error feedback and a sliding window (Modoranu et al.). */
        MICROADAM;

        /** The command-line name: {@code nanoadam}, {@code adamw}, {@code adamw8bit}, {@code galore}, {@code microadam}. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the optimizer runs on backends other than {@code cpu} ({@code cpu-scalar}, {@code opencl}, ...). */
        public boolean hasBackends() {
            return this == NANOADAM || this == ADAMW;
        }
    }

    /** Every optimizer's command-line name, in the order tables list them. */
    public static final List<String> NAMES = List.of("nanoadam", "adamw", "adamw8bit", "galore", "microadam");

    /**
     * The optimizer a command-line name stands for (case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the unknown name and the known ones
     */
    public static Kind parseKind(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k.cliName().equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown optimizer '" + name + "'; known: " + String.join(", ", NAMES));
    }

    /**
     * The optimizers a comma list (or several occurrences of an option) names, in the order given.
     *
     * @throws IllegalArgumentException for an unknown, empty or repeated name, naming it and {@code option}
     */
    public static List<Kind> parseKinds(List<String> names, String option) {
        List<Kind> kinds = new ArrayList<>();
        for (String name : names) {
            for (String part : name.split(",", -1)) {
                if (part.isBlank()) {
                    throw new IllegalArgumentException(option + ": empty optimizer name in '" + name + "'; known: "
                            + String.join(", ", NAMES));
                }
                Kind k;
                try {
                    k = parseKind(part);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(option + ": " + e.getMessage());
                }
                if (kinds.contains(k)) {
                    throw new IllegalArgumentException(option + " names '" + k.cliName() + "' twice");
                }
                kinds.add(k);
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException(option + ": no optimizer named; known: " + String.join(", ", NAMES));
        }
        return kinds;
    }

    public OptimizerSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(backend, "backend");
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + lr);
        }
        if (!kind.hasBackends() && !backend.equals("cpu")) {
            throw new IllegalArgumentException(kind.cliName() + " runs only on the cpu backend, not on '" + backend + "'");
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

    /** One of the baselines without a mask ({@code adamw}, {@code adamw8bit}, {@code galore}, {@code microadam}) at {@code lr}. */
    public static OptimizerSpec baseline(Kind kind, double lr, String backend) {
        if (kind == Kind.NANOADAM) {
            throw new IllegalArgumentException("nanoadam needs a density and a mask interval: use OptimizerSpec.nanoadam");
        }
        return new OptimizerSpec(kind, lr, 1, 1, 0, 1, Criterion.SMALLEST_MAGNITUDE, backend, 0);
    }

    /** NanoAdam at {@code lr} with a fixed density. */
    public static OptimizerSpec nanoadam(double lr, double density, int maskInterval, Criterion criterion,
                                         String backend, long seed) {
        return new OptimizerSpec(Kind.NANOADAM, lr, density, density, 0, maskInterval, criterion, backend, seed);
    }

    /**
     * The run's name in tables and {@code results.json}: the optimizer's command-line name, or for
     * NanoAdam's ablation criteria {@code nanoadam-largest}, {@code nanoadam-random}, {@code nanoadam-large-gradient}.
     */
    public String label() {
        if (kind != Kind.NANOADAM) {
            return kind.cliName();
        }
        return criterion == Criterion.SMALLEST_MAGNITUDE ? "nanoadam" : "nanoadam-" + criterionName(criterion);
    }

    /** Builds the optimizer over the model's parameters; {@code totalSteps} sets the density schedule's T. */
    public Optimizer build(Classifier model, long totalSteps) {
        return build(model.parameters(), model.sparseParameters(), model.denseParameters(), totalSteps, 0);
    }

    /**
     * Builds the optimizer over {@code all}; NanoAdam takes the explicit groups {@code sparse} and
     * {@code dense} (their union is {@code all}), the others split {@code all} by their own defaults
     * (GaLore projects the matrices that are neither embeddings, norms nor heads), all with
     * decoupled weight decay {@code weightDecay}.
     */
    public Optimizer build(List<Parameter> all, List<Parameter> sparse, List<Parameter> dense, long totalSteps,
                           double weightDecay) {
        switch (kind) {
            case ADAMW:
                return AdamW.builder().lr(lr).weightDecay(weightDecay).backend(backend).build(all);
            case ADAMW8BIT:
                return AdamW8bit.builder().lr(lr).weightDecay(weightDecay).build(all);
            case GALORE:
                return GaLore.builder().lr(lr).weightDecay(weightDecay).build(all);
            case MICROADAM:
                return MicroAdam.builder().lr(lr).weightDecay(weightDecay).build(all);
            case NANOADAM:
                break;
        }
        NanoAdam.Builder b = NanoAdam.builder().lr(lr).weightDecay(weightDecay).density(density).finalDensity(finalDensity)
                .maskInterval(maskInterval).criterion(criterion).seed(seed).backend(backend);
        if (densityInterval > 0) {
            b.densityInterval(densityInterval).totalSteps(totalSteps);
        }
        return b.build(sparse, dense);
    }

    /** The settings as a JSON object (for {@code config.json} and resumable runs). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", kind.cliName());
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
