package dev.nanoadam.models.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place where the float vector width of the model math is chosen.
 *
 * <p>System property {@code nanoadam.models.vectorBits}: {@code preferred} (default, the widest the
 * CPU runs natively), {@code 512}, {@code 256}, {@code 128}, or {@code scalar} (no Vector API at
 * all). A width wider than the CPU's preferred one is accepted: the Vector API emulates it exactly
 * but slowly, which the tests use to run every width on every CPU; {@link #describe()} says so.
 */
public final class Simd {
    /** Name of the system property that selects the width. */
    public static final String PROPERTY = "nanoadam.models.vectorBits";

    /** True when every routine takes its scalar path. */
    public static final boolean SCALAR;

    /** The float species of all vector paths; null when {@link #SCALAR}. */
    public static final VectorSpecies<Float> FLOAT;

    /** Lanes of {@link #FLOAT}; 1 when scalar. */
    public static final int LANES;

    /**
     * Whether the CPU has 32 vector registers: inferred from a preferred width of 512 bits
     * (x86 with AVX-512) or from an aarch64 CPU. Register-blocked kernels size their tiles by it.
     */
    public static final boolean WIDE_REGISTER_FILE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
            || "aarch64".equals(System.getProperty("os.arch"));

    static {
        String requested = System.getProperty(PROPERTY, "preferred").trim();
        switch (requested) {
            case "preferred" -> {
                SCALAR = false;
                FLOAT = FloatVector.SPECIES_PREFERRED;
            }
            case "scalar" -> {
                SCALAR = true;
                FLOAT = null;
            }
            case "128", "256", "512" -> {
                SCALAR = false;
                FLOAT = FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(Integer.parseInt(requested)));
            }
            default -> throw new IllegalStateException(PROPERTY + "=" + requested
                    + " is not one of preferred, 512, 256, 128, scalar");
        }
        LANES = SCALAR ? 1 : FLOAT.length();
    }

    private Simd() {
    }

    /** A one-line description of the path in use, e.g. {@code "vector 512-bit (16 floats)"}. */
    public static String describe() {
        if (SCALAR) {
            return "scalar";
        }
        boolean emulated = FLOAT.vectorBitSize() > FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return "vector " + FLOAT.vectorBitSize() + "-bit (" + LANES + " floats" + (emulated ? ", emulated: wider than"
                + " this CPU's " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors" : "") + ")";
    }
}
