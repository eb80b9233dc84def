package dev.nanoadam.spi;

import dev.nanoadam.Criterion;

/**
 * One refresh's selection request for one SPARSE parameter (SPEC.md §4): everything a backend's
 * selection kernel needs besides the arrays. Reused across parameters and refreshes.
 */
public final class Selection {
    private Criterion criterion;
    private int chunkSize;
    private int kFull;
    private int kLast;
    private int total;
    private long seed;
    private long step;
    private int paramIndex;

    public void set(Criterion criterion, int chunkSize, int kFull, int kLast, int total, long seed, long step,
                    int paramIndex) {
        this.criterion = criterion;
        this.chunkSize = chunkSize;
        this.kFull = kFull;
        this.kLast = kLast;
        this.total = total;
        this.seed = seed;
        this.step = step;
        this.paramIndex = paramIndex;
    }

    /** Which entries to select. */
    public Criterion criterion() { return criterion; }
    /** C: the chunk length (the last chunk may be shorter). */
    public int chunkSize() { return chunkSize; }
    /** K_c of every chunk but the last. */
    public int kFull() { return kFull; }
    /** K_c of the last chunk (which may be shorter than C). */
    public int kLast() { return kLast; }
    /** K = sum of K_c: the mask's length. */
    public int total() { return total; }
    /** RANDOM's seed. */
    public long seed() { return seed; }
    /** t of the refreshing step. */
    public long step() { return step; }
    /** Position among the SPARSE parameters (RANDOM's paramIndex). */
    public int paramIndex() { return paramIndex; }

    /** K_c of chunk {@code c} of a parameter with {@code chunks} chunks. */
    public int kOf(int c, int chunks) {
        return c == chunks - 1 ? kLast : kFull;
    }
}
