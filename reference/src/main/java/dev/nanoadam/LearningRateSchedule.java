package dev.nanoadam;

/**
 * The learning rate of each step, from the step number and a base rate: give one to an
 * optimizer's builder ({@code NanoAdam.builder().lr(1e-3).schedule(warmupCosine(100, 5000, 0.1))},
 * base = the builder's lr), or drive {@link Optimizer#setLearningRate} with one from a training
 * loop. The schedules here are pure functions of their arguments in plain double arithmetic, so a
 * resumed run gets exactly the rates it would have had, on any JVM, and they allocate nothing. A
 * schedule must return a finite, positive rate (SPEC.md §2).
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * @param step the step about to run, counted from 0
     * @param baseLearningRate the optimizer's rate when training started
     */
    double learningRate(long step, double baseLearningRate);

    /** The base rate throughout. */
    static LearningRateSchedule constant() {
        return (step, base) -> base;
    }

    /**
     * Linear warm-up from {@code base / warmupSteps} to {@code base} over the first
     * {@code warmupSteps} steps, then cosine decay to {@code finalFactor * base} at {@code totalSteps},
     * constant after.
     *
     * @throws IllegalArgumentException if {@code warmupSteps < 0}, {@code totalSteps <= warmupSteps}
     *     or {@code finalFactor} is not in {@code (0, 1]}
     */
    static LearningRateSchedule warmupCosine(long warmupSteps, long totalSteps, double finalFactor) {
        check(warmupSteps, totalSteps, finalFactor);
        return (step, base) -> {
            if (step < warmupSteps) {
                return base * (step + 1) / warmupSteps;
            }
            double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
            return base * (finalFactor + (1 - finalFactor) * 0.5 * (1 + cosPi(progress)));
        };
    }

    /**
     * Linear warm-up as in {@link #warmupCosine}, then linear decay to {@code finalFactor * base}
     * at {@code totalSteps}, constant after.
     */
    static LearningRateSchedule warmupLinear(long warmupSteps, long totalSteps, double finalFactor) {
        check(warmupSteps, totalSteps, finalFactor);
        return (step, base) -> {
            if (step < warmupSteps) {
                return base * (step + 1) / warmupSteps;
            }
            double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
            return base * (1 - (1 - finalFactor) * progress);
        };
    }

    /**
     * {@code cos(pi * p)} for {@code p} in {@code [0, 1]}, from Taylor series on an eighth of the
     * period, within a few ulps. Written out because {@link StrictMath#cos} allocates scratch arrays
     * on every call (a training step must not allocate) and {@link Math#cos} may differ between JVMs.
     */
    private static double cosPi(double p) {
        if (p > 0.5) {
            return -cosPi(1 - p);
        }
        double x = Math.PI * p; // [0, pi/2]
        if (x <= Math.PI / 4) {
            return series(1, x * x, 1);
        }
        double y = Math.PI / 2 - x; // cos(x) = sin(pi/2 - x), with pi/2 - x in [0, pi/4]
        return series(y, y * y, 2);
    }

    /** {@code first * (1 - x2/(a(a+1)) * (1 - x2/((a+2)(a+3)) * ...))} summed term by term: cos (a = 1) or sin (a = 2). */
    private static double series(double first, double x2, int a) {
        double term = first;
        double sum = first;
        for (int k = a; k < a + 24; k += 2) {
            term *= -x2 / ((double) k * (k + 1));
            sum += term;
        }
        return sum;
    }

    private static void check(long warmupSteps, long totalSteps, double finalFactor) {
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warmupSteps < totalSteps, got warmupSteps=" + warmupSteps
                    + ", totalSteps=" + totalSteps);
        }
        if (!(finalFactor > 0 && finalFactor <= 1)) {
            throw new IllegalArgumentException("finalFactor must be in (0, 1] so the rate stays positive, got " + finalFactor);
        }
    }
}
