package dev.nanoadam;


/**
 * The hyperparameters of SPEC.md §2, immutable once validated. {@code densityInterval} and
 * {@code totalSteps} are 0 when unset.
 */
final class Hyper {
    final double lr;
    final double beta1;
    final double beta2;
    final double eps;
    final double weightDecay;
    final double density;
    final double finalDensity;
    final int maskInterval;
    final int densityInterval;
    final long totalSteps;
    final int chunkSize;
    final Criterion criterion;
    final long seed;
    final MomentPolicy momentPolicy;
    final StateType stateType;
    final NonFinitePolicy nonFinite;
    final String backend;

    Hyper(double lr, double beta1, double beta2, double eps, double weightDecay, double density, double finalDensity,
          int maskInterval, int densityInterval, long totalSteps, int chunkSize, Criterion criterion, long seed,
          MomentPolicy momentPolicy, StateType stateType, NonFinitePolicy nonFinite, String backend) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.density = density;
        this.finalDensity = finalDensity;
        this.maskInterval = maskInterval;
        this.densityInterval = densityInterval;
        this.totalSteps = totalSteps;
        this.chunkSize = chunkSize;
        this.criterion = criterion;
        this.seed = seed;
        this.momentPolicy = momentPolicy;
        this.stateType = stateType;
        this.nonFinite = nonFinite;
        this.backend = backend;
    }

    Hyper withLr(double newLr) {
        return new Hyper(newLr, beta1, beta2, eps, weightDecay, density, finalDensity, maskInterval, densityInterval,
                totalSteps, chunkSize, criterion, seed, momentPolicy, stateType, nonFinite, backend);
    }

    Hyper withBackend(String newBackend) {
        return new Hyper(lr, beta1, beta2, eps, weightDecay, density, finalDensity, maskInterval, densityInterval,
                totalSteps, chunkSize, criterion, seed, momentPolicy, stateType, nonFinite, newBackend);
    }

    /** The rate {@code schedule} gives step {@code step} over {@code base}, checked finite and > 0. */
    static double scheduledRate(LearningRateSchedule schedule, long step, double base) {
        double lr = schedule.learningRate(step, base);
        if (!Double.isFinite(lr) || lr <= 0) {
            throw new IllegalStateException("schedule: rate " + lr + " at step " + step + " (base " + base
                    + "); a schedule must return a finite rate > 0");
        }
        return lr;
    }

    static void checkLr(double lr) {
        if (!Double.isFinite(lr) || lr <= 0) {
            throw invalid("lr", lr, "must be finite and > 0");
        }
    }

    /** SPEC.md §2: every field, naming the field and the value when one is invalid. */
    void validate() {
        checkAdam("", lr, beta1, beta2, eps, weightDecay);
        if (!(density > 0 && density <= 1)) {
            throw invalid("density", density, "must be in (0, 1]");
        }
        if (!(finalDensity > 0 && finalDensity <= 1)) {
            throw invalid("finalDensity", finalDensity, "must be in (0, 1]");
        }
        if (maskInterval < 1) {
            throw invalid("maskInterval", maskInterval, "must be >= 1");
        }
        if (densityInterval < 0) {
            throw invalid("densityInterval", densityInterval, "must be >= 1");
        }
        if (totalSteps < 0) {
            throw invalid("totalSteps", totalSteps, "must be >= 1");
        }
        if (densityInterval > 0 && totalSteps == 0) {
            throw new IllegalArgumentException("totalSteps: must be set when densityInterval (the density schedule) is set");
        }
        if (densityInterval == 0 && finalDensity != density) {
            throw new IllegalArgumentException("finalDensity = " + finalDensity + ": differs from density = " + density
                    + " but no densityInterval is set (the schedule is off)");
        }
        if (densityInterval == 0 && totalSteps != 0) {
            throw new IllegalArgumentException("totalSteps = " + totalSteps
                    + ": only used by the density schedule, which needs densityInterval");
        }
        if (chunkSize < 1 || chunkSize > 65536) {
            throw invalid("chunkSize", chunkSize, "must be in [1, 65536]");
        }
        required(criterion, "criterion");
        required(momentPolicy, "momentPolicy");
        required(stateType, "stateType");
        required(nonFinite, "nonFinite");
        required(backend, "backend");   // blank in a checkpoint, which names no backend
    }

    private static void required(Object value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " = null: must be set");
        }
    }

    /** §6's constants, the builder's or a parameter group's; {@code prefix} says whose. */
    static void checkAdam(String prefix, double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (!Double.isFinite(lr) || lr <= 0) {
            throw invalid(prefix + "lr", lr, "must be finite and > 0");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw invalid(prefix + "beta1", beta1, "must be in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw invalid(prefix + "beta2", beta2, "must be in [0, 1)");
        }
        if (!Double.isFinite(eps) || eps <= 0 || (float) eps <= 0f) {
            throw invalid(prefix + "eps", eps, "must be finite, > 0, and > 0 once rounded to float");
        }
        if (!Double.isFinite(weightDecay) || weightDecay < 0) {
            throw invalid(prefix + "weightDecay", weightDecay, "must be finite and >= 0");
        }
    }

    private static IllegalArgumentException invalid(String field, Object value, String rule) {
        return new IllegalArgumentException(field + " = " + value + ": " + rule);
    }

    /** The mutable builder state behind {@link NanoAdam.Builder} and {@link AdamW.Builder}. */
    static final class Draft {
        double lr = 1e-3;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double weightDecay = 0;
        double density = 0.1;
        Double finalDensity;
        int maskInterval = 100;
        Integer densityInterval;
        Long totalSteps;
        int chunkSize = 4096;
        Criterion criterion = Criterion.SMALLEST_MAGNITUDE;
        long seed = 0;
        MomentPolicy momentPolicy = MomentPolicy.RESET;
        StateType stateType = StateType.FP32;
        NonFinitePolicy nonFinite = NonFinitePolicy.ERROR;
        String backend = "cpu";

        Hyper freeze() {
            if (densityInterval != null && densityInterval < 1) {
                throw invalid("densityInterval", densityInterval, "must be >= 1");
            }
            if (totalSteps != null && totalSteps < 1) {
                throw invalid("totalSteps", totalSteps, "must be >= 1");
            }
            Hyper h = new Hyper(lr, beta1, beta2, eps, weightDecay, density,
                    finalDensity == null ? density : finalDensity, maskInterval,
                    densityInterval == null ? 0 : densityInterval, totalSteps == null ? 0 : totalSteps, chunkSize,
                    criterion, seed, momentPolicy, stateType, nonFinite, backend);
            h.validate();
            return h;
        }
    }
}
