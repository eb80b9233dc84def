package dev.nanoadam.models.data;

import dev.nanoadam.models.Batch;
import java.util.Objects;

/**
 * Serves a {@link Dataset} as an endless sequence of mini-batches, epoch after epoch, in a seeded
 * order that can be resumed exactly.
 *
 * <p>Order: with shuffling on, epoch {@code e} visits the examples in the permutation that a
 * Fisher-Yates shuffle driven by SplitMix64 seeded from {@code (seed, e)} makes of
 * {@code 0..size-1}; with it off, in index order. Because each epoch's order depends only on
 * {@code (seed, epoch)}, the position {@code (epoch, position)} is the whole state:
 * {@link #seek} to a saved position continues exactly as if never stopped.
 *
 * <p>Buffers: the loader keeps one {@link Batch} per batch size it serves (the full size, and the
 * last, smaller one of an epoch when {@code dropLast} is off) and refills it in place, so after
 * the first epoch {@link #next} allocates nothing. A batch returned by {@code next} is valid
 * until the next call.
 */
public final class BatchLoader {
    private final Dataset data;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int epochLength;      // examples served per epoch: size, or whole batches only
    private final int[] order;          // [size]: this epoch's visiting order
    private final Batch[] bySize;       // [batchSize + 1]: reused batch of each size served, lazily made
    private final SplitMix64 rng = new SplitMix64(0);
    private long epoch;
    private int position;               // examples of this epoch already served

    /**
     * @param batchSize examples per batch
     * @param shuffle visit each epoch in a seeded random order (else in index order)
     * @param seed seed of the shuffles
     * @param dropLast skip the last, smaller batch of an epoch
     * @throws IllegalArgumentException if the data set is empty, the batch size is not positive,
     *     or {@code dropLast} is set and the data set is smaller than one batch
     */
    public BatchLoader(Dataset data, int batchSize, boolean shuffle, long seed, boolean dropLast) {
        this.data = Objects.requireNonNull(data, "data");
        if (batchSize < 1) {
            throw new IllegalArgumentException(data.name() + ": batch size must be positive, got " + batchSize);
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException(data.name() + ": cannot serve batches of an empty data set");
        }
        if (dropLast && data.size() < batchSize) {
            throw new IllegalArgumentException(data.name() + ": " + data.size() + " examples do not fill one batch of "
                    + batchSize + " and dropLast is set");
        }
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        this.epochLength = dropLast ? data.size() / batchSize * batchSize : data.size();
        this.order = new int[data.size()];
        this.bySize = new Batch[batchSize + 1];
        seek(0, 0);
    }

    /** A loader for evaluation: index order, no shuffling, last batch kept. */
    public static BatchLoader inOrder(Dataset data, int batchSize) {
        return new BatchLoader(data, batchSize, false, 0L, false);
    }

    /** The next batch; moves to the next epoch (reshuffling) after the last batch of one. */
    public Batch next() {
        if (position >= epochLength) {
            startEpoch(epoch + 1);
        }
        int size = Math.min(batchSize, epochLength - position);
        Batch batch = bySize[size];
        if (batch == null) {
            batch = data.allocate(size);
            bySize[size] = batch;
        }
        for (int slot = 0; slot < size; slot++) {
            data.copyInto(order[position + slot], batch, slot);
        }
        position += size;
        return batch;
    }

    /**
     * Moves to {@code position} examples into epoch {@code epoch}, as saved from {@link #epoch()} and
     * {@link #position()}.
     *
     * @throws IllegalArgumentException if the position is not a batch boundary of that epoch
     */
    public void seek(long epoch, int position) {
        if (epoch < 0 || position < 0 || position > epochLength || (position % batchSize != 0 && position != epochLength)) {
            throw new IllegalArgumentException(data.name() + ": cannot seek to epoch " + epoch + ", position " + position
                    + " (epoch length " + epochLength + ", batch size " + batchSize + ")");
        }
        startEpoch(epoch);
        this.position = position;
    }

    private void startEpoch(long e) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            rng.reseed(SplitMix64.derive(seed, e));
            rng.shuffle(order, order.length);
        }
        epoch = e;
        position = 0;
    }

    /** The epoch the last batch came from (0 before the first). */
    public long epoch() {
        return epoch;
    }

    /** Examples of the current epoch served so far. */
    public int position() {
        return position;
    }

    /** Batches in one epoch. */
    public int batchesPerEpoch() {
        return dropLast ? epochLength / batchSize : (epochLength + batchSize - 1) / batchSize;
    }

    /** The data set served. */
    public Dataset dataset() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean shuffles() {
        return shuffle;
    }

    public long seed() {
        return seed;
    }

    public boolean dropsLast() {
        return dropLast;
    }
}
