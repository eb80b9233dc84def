package dev.nanoadam;

/**
 * Thrown by {@code step()} under {@link NonFinitePolicy#ERROR} when a gradient the step would read
 * is NaN or infinite (SPEC.md §7). Nothing was changed: weights, state and the step counter are as
 * they were before the call.
 */
public final class NonFiniteGradientException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    private final String parameter;
    private final int index;
    private final float value;
    private final long step;

    public NonFiniteGradientException(String parameter, int index, float value, long step) {
        super("non-finite gradient " + value + " (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(value))
                + ") in parameter '" + parameter + "' at flat index " + index + ", step t=" + step
                + "; nothing was changed");
        this.parameter = parameter;
        this.index = index;
        this.value = value;
        this.step = step;
    }

    /** Name of the parameter holding the first bad gradient. */
    public String parameter() {
        return parameter;
    }

    /** Flat index of the first bad gradient within its parameter. */
    public int index() {
        return index;
    }

    /** The bad value. */
    public float value() {
        return value;
    }

    /** t of the refused step (SPEC.md §3). */
    public long step() {
        return step;
    }
}
