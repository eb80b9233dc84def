package dev.nanoadam.spi;

/**
 * The host constants of one update (SPEC.md §6), computed in double and rounded once to float.
 * Mutable and reused from step to step so that {@code step()} allocates nothing.
 */
public final class StepConstants {
    private float b1;
    private float b2;
    private float c1;
    private float c2;
    private float stepSize;
    private float bc2;
    private float decay;
    private float eps;
    private boolean decayOn;
    private long tau;

    /**
     * Recomputes every constant for bias-correction counter {@code tau} (SPEC.md §5, §6).
     * Powers use {@link StrictMath#pow} so that every JVM agrees.
     */
    public void compute(double lr, double beta1, double beta2, double eps, double weightDecay, long tau) {
        compute(lr, beta1, beta2, eps, weightDecay, tau, StrictMath.pow(beta1, (double) tau),
                StrictMath.pow(beta2, (double) tau));
    }

    /**
     * As {@link #compute(double, double, double, double, double, long)}, with the powers
     * {@code beta1^tau} and {@code beta2^tau} already computed by {@link StrictMath#pow}.
     */
    public void compute(double lr, double beta1, double beta2, double eps, double weightDecay, long tau,
                        double beta1PowTau, double beta2PowTau) {
        this.tau = tau;
        this.b1 = (float) beta1;
        this.b2 = (float) beta2;
        this.c1 = (float) (1.0 - beta1);
        this.c2 = (float) (1.0 - beta2);
        this.stepSize = (float) (lr / (1.0 - beta1PowTau));
        this.bc2 = (float) Math.sqrt(1.0 - beta2PowTau);
        this.decay = (float) (1.0 - lr * weightDecay);
        this.eps = (float) eps;
        this.decayOn = weightDecay > 0;
    }

    /** beta1 as float. */
    public float b1() { return b1; }
    /** beta2 as float. */
    public float b2() { return b2; }
    /** 1 - beta1, computed in double. */
    public float c1() { return c1; }
    /** 1 - beta2, computed in double. */
    public float c2() { return c2; }
    /** lr / (1 - beta1^tau). */
    public float stepSize() { return stepSize; }
    /** sqrt(1 - beta2^tau). */
    public float bc2() { return bc2; }
    /** 1 - lr * weightDecay. */
    public float decay() { return decay; }
    /** eps as float. */
    public float eps() { return eps; }
    /** Whether {@code x = x * decay} applies (weightDecay > 0). */
    public boolean decayOn() { return decayOn; }
    /** The bias-correction counter these constants were computed for. */
    public long tau() { return tau; }
}
