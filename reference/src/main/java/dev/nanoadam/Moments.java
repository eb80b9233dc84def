package dev.nanoadam;

/**
 * A copy of one parameter's Adam moments, widened to float (BF16 state widens exactly). For a SPARSE
 * parameter both arrays have the mask's length K, in mask order; for a DENSE one, n.
 */
public record Moments(float[] m, float[] v) {
}
