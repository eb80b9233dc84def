package dev.nanoadam;

/**
 * The optimizer-wide hyperparameters now in force (SPEC.md §2): the builder's values, with
 * {@code lr} as last set (by {@link Optimizer#setLearningRate} or a schedule) and {@code backend}
 * the name asked for. A parameter group's own values are listed by {@link NanoAdam#describe()}.
 */
public record Hyperparameters(double lr, double beta1, double beta2, double eps, double weightDecay, double density,
                              double finalDensity, int maskInterval, int densityInterval, long totalSteps,
                              int chunkSize, Criterion criterion, long seed, MomentPolicy momentPolicy,
                              StateType stateType, NonFinitePolicy nonFinite, String backend) {
}
