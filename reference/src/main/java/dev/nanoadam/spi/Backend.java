package dev.nanoadam.spi;

/**
 * The kernels and data movement of one optimizer instance (SPEC.md §10). Everything else
 * (schedule, refresh decision, host constants, argument checks, bookkeeping, checkpoints) lives
 * once, in {@code dev.nanoadam}, and drives a backend through this interface.
 *
 * <p>Per SPARSE parameter a backend keeps the current mask (chunk-local unsigned 16-bit indices,
 * chunk after chunk, ascending within a chunk), the compact moments {@code m[K]}, {@code v[K]}, and
 * a <em>pending</em> mask that a refresh selects into. The pending mask becomes current only in
 * {@link #commitMask}, so a step that is refused after its selection (SPEC.md §7) changes nothing.
 * Per DENSE parameter it keeps {@code m[n]}, {@code v[n]}.
 *
 * <p>Call order within one step: [{@link #select} for every SPARSE parameter, if refreshing];
 * [{@link #checkSparse}/{@link #checkDense}, unless the policy is NONE]; [{@link #commitMask}, if
 * refreshing]; {@link #updateSparse}/{@link #updateDense}. The arrays passed are the caller's
 * (SPEC.md §1): a backend reads {@code w} and {@code g} at the call and writes the changed
 * weights back into {@code w} before {@code updateSparse}/{@code updateDense} returns.
 */
public interface Backend extends AutoCloseable {

    /** The name this backend answers to, e.g. {@code "cpu"}. */
    String name();

    /** One line saying what really runs (device, vector width, threads). */
    String description();

    /**
     * (Re)creates state for {@code layout}: empty masks (K = 0) and zero moments for DENSE
     * parameters. Called once after opening and again when a checkpoint changes the layout.
     */
    void init(Layout layout);

    /** Selects into the pending mask of SPARSE parameter {@code s} (SPEC.md §4). */
    void select(int s, float[] w, float[] g, Selection selection);

    /**
     * Returns the flat index of the first non-finite gradient that SPARSE parameter {@code s}'s
     * update would read, in ascending flat-index order, or -1 (SPEC.md §7).
     *
     * @param pending check under the pending mask (this step refreshes) instead of the current one
     */
    int checkSparse(int s, float[] g, boolean pending);

    /** Returns the first flat index {@code p} with non-finite {@code g[p]} of DENSE parameter {@code d}, or -1. */
    int checkDense(int d, float[] g);

    /**
     * Makes the pending mask of SPARSE parameter {@code s} current and remaps its moments
     * (SPEC.md §5): RESET zeroes them; CARRY keeps entries whose flat index is in both masks.
     */
    void commitMask(int s, dev.nanoadam.MomentPolicy policy);

    /**
     * Masked update of SPARSE parameter {@code s} (SPEC.md §6).
     *
     * @param checked the non-finite check of this step ran on this same {@code g} (a backend may
     *                reuse what it gathered then)
     */
    void updateSparse(int s, float[] w, float[] g, StepConstants k, boolean checked);

    /** Dense update of DENSE parameter {@code d} (SPEC.md §6). */
    void updateDense(int d, float[] w, float[] g, StepConstants k, boolean checked);

    /** K of SPARSE parameter {@code s}'s current mask. */
    int maskLength(int s);

    /** Copies the current mask of SPARSE parameter {@code s} into {@code out[0..K)}. */
    void readMask(int s, char[] out);

    /**
     * Copies the moments into {@code m}, {@code v} (as floats; BF16 widens exactly).
     *
     * @param sparse whether {@code index} names a SPARSE (else a DENSE) parameter
     */
    void readMoments(boolean sparse, int index, float[] m, float[] v);

    /**
     * Replaces SPARSE parameter {@code s}'s mask and moments (checkpoint load). {@code mask} has
     * K entries, chunk after chunk, {@code kFull} per full chunk and {@code kLast} in the last;
     * {@code m}, {@code v} are stored with the layout's state type.
     */
    void writeSparse(int s, char[] mask, int kFull, int kLast, float[] m, float[] v);

    /** Replaces DENSE parameter {@code d}'s moments (checkpoint load). */
    void writeDense(int d, float[] m, float[] v);

    /** Bytes this backend has really allocated for masks and moments (SPEC.md §9 counts these). */
    long allocatedStateBytes();

    /**
     * Named counters a backend keeps about itself, e.g. bytes moved to and from a device; empty for
     * backends that move nothing. A snapshot, safe to keep.
     */
    default java.util.Map<String, Long> counters() {
        return java.util.Map.of();
    }

    /** Frees everything; idempotent. */
    @Override
    void close();
}
