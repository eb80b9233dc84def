package dev.nanoadam.cpu;

/**
 * How the {@code cpu} backend reaches the masked weights and gradients of a chunk in the masked
 * update and the non-finite check (SPEC.md §6, §7). The arithmetic per element is the same in
 * both, so both are bit-identical to {@code cpu-scalar}; only the memory access differs.
 *
 * <p>Chosen once per JVM by {@code -Dnanoadam.cpu.maskedAccess} ({@code staged} or
 * {@code gather}); by default {@code staged}, on every CPU. On an AMD EPYC (Zen 5, 512-bit vectors;
 * {@code MaskedStepPhasesBench}, CPU time of one thread, density 0.1) scalar loads of the masked
 * gradients took half the time of 512-bit vector gathers, the staged update 0.8 of the gathered
 * and scattered one, and a whole NanoAdam step 0.57 (README, Performance). On Zen 4 vector
 * scatters are microcoded; a scalar load or store costs about the same on every x86-64 core,
 * while a gather's or scatter's cost varies by vendor and microcode, so the staged kernel is the
 * default everywhere. {@code gather} keeps the vector kernel, selectable for comparison.
 */
enum MaskedAccess {
    /**
     * Scalar loads of the masked entries into a compact block (straight from the 16-bit mask, no
     * widening), the vector kernel on the block as on dense data, scalar stores back.
     */
    STAGED("staged"),
    /** Vector gathers through widened indices, the vector kernel, vector scatters back. */
    GATHER("gather");

    /** Name of the system property that chooses the access. */
    static final String PROPERTY = "nanoadam.cpu.maskedAccess";

    /** The process-wide choice, made once from {@link #PROPERTY}. */
    static final MaskedAccess CHOSEN = parse(System.getProperty(PROPERTY, "staged"));

    private final String label;

    MaskedAccess(String label) {
        this.label = label;
    }

    /** The name {@code -Dnanoadam.cpu.maskedAccess} takes and {@code description()} shows. */
    String label() {
        return label;
    }

    static MaskedAccess parse(String value) {
        for (MaskedAccess a : values()) {
            if (a.label.equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException(PROPERTY + " = " + value + ": must be staged or gather");
    }
}
