package dev.nanoadam.baselines;

/**
 * SPEC.md §6's update of one entry, written out once for the slow baselines: host constants in
 * double (StrictMath.pow) rounded once to float, then one float32 operation per operator.
 */
final class Adam {
    final float b1;
    final float b2;
    final float c1;
    final float c2;
    final float step;
    final float bc2;
    final float decay;
    final float e;
    final boolean decayOn;

    Adam(double lr, double beta1, double beta2, double eps, double wd, long tau) {
        b1 = (float) beta1;
        b2 = (float) beta2;
        c1 = (float) (1.0 - beta1);
        c2 = (float) (1.0 - beta2);
        step = (float) (lr / (1.0 - StrictMath.pow(beta1, (double) tau)));
        bc2 = (float) Math.sqrt(1.0 - StrictMath.pow(beta2, (double) tau));
        decay = (float) (1.0 - lr * wd);
        e = (float) eps;
        decayOn = wd > 0;
    }

    /** {new w, new m, new v}. */
    float[] update(float w, float g, float m, float v) {
        float x = decayOn ? w * decay : w;
        float m1 = b1 * m + c1 * g;
        float v1 = b2 * v + c2 * (g * g);
        float d = (float) Math.sqrt(v1) / bc2 + e;
        return new float[] {x - step * (m1 / d), m1, v1};
    }
}
