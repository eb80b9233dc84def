package dev.nanoadam.distributed;

import dev.nanoadam.Criterion;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.train.GradientSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Data-parallel gradients for a {@link dev.nanoadam.models.train.Trainer}: every batch is cut into
 * {@code replicas} equal slices, slice {@code r} belongs to rank {@code r}, and the gradient the
 * optimizer steps with is the mean of the slices' gradients, combined the same way on every rank.
 *
 * <p>One step ({@link #lossAndGradients}):
 * <ol>
 * <li>For NanoAdam, {@link NanoAdam#refreshNow()}: the masks of the step about to run are chosen
 *     from the weights, which every rank holds identically, so every rank chooses the same masks
 *     without communicating (SPEC.md §3-§4).</li>
 * <li>Each rank computes its slice's loss and gradients and packs the values the step reads:
 *     for NanoAdam the K masked entries ({@link NanoAdam#readMaskedGradients}) and every DENSE
 *     tensor; for any other optimizer, and for NanoAdam's {@link Criterion#LARGEST_GRADIENT} on a
 *     refreshing step (its mask depends on the combined gradient), every entry of every
 *     parameter; then the slice's loss; then the model's buffers (BatchNorm's running statistics)
 *     as the slice left them.</li>
 * <li>{@code MPI_Allgather} of the packed values, then on every rank, entry by entry,
 *     {@code ((v_0 + v_1) + ... + v_{R-1}) / R} in float32, rank after rank. Every rank computes the
 *     same sum in the same order (the loss too), so every replica steps to the same weights, bit for
 *     bit, and the result equals a single process that computes the R slices one after another and
 *     sums them the same way ({@link #inOneProcess}).</li>
 * <li>The combined values are written back into the gradients, and every rank takes rank 0's
 *     buffers; the trainer then steps.</li>
 * </ol>
 *
 * <p>Buffers follow rank 0's slice, as with PyTorch's DistributedDataParallel, which broadcasts
 * rank 0's buffers before every forward pass: every rank starts each step with the same buffers
 * (a model may read them while training, not only when evaluating), updates them from its own
 * slice, and ends the step with rank 0's. In one process each slice starts from the buffers the
 * step started with, and the step ends with those slice 0 left.
 *
 * <p>Traffic: each rank contributes {@code 4 * length} bytes per step ({@link #lastStepBytes()}),
 * where length is K + the DENSE entries + 1 + the buffers for NanoAdam and N + 1 + the buffers
 * otherwise; an allgather delivers
 * {@code R - 1} such contributions to every rank. Allocation: the workspaces grow when the packed
 * length grows (a refresh at a higher density); otherwise a step allocates nothing here.
 */
public final class DataParallel implements GradientSource {
    private final Mpi mpi;                // null: every slice is computed here, in rank order
    private final int replicas;
    private final int rank;
    private final NanoAdam nanoAdam;      // the optimizer when it is NanoAdam, else null
    private final boolean gradientCriterion;
    private final Parameter[] dense;      // [NanoAdam's DENSE tensors]
    private final Parameter[] all;        // [every parameter the optimizer steps]
    private final float[][] buffers;      // [model buffers]: the live arrays
    private final float[][] stepStart;    // [model buffers]: their values when the step started (one process only)
    private final List<Parameter> weights; // the model's parameters, for broadcasts
    private final int denseLength;
    private final int allLength;
    private final int bufferLength;

    // Workspaces, grown to the largest packed length seen.
    private float[] gathered = new float[0];                // [replicas * length]: each rank's packed values, rank after rank
    private MemorySegment send = MemorySegment.NULL;        // [length] floats staged for MPI_Allgather
    private MemorySegment receive = MemorySegment.NULL;     // [replicas * length] floats
    private Batch sliceBatch;                               // one slice, reused while the batch size stays

    private long steps;
    private long bytesSent;
    private long lastStepBytes;
    private long exchangeNanos;
    private boolean lastStepMasked;

    private DataParallel(Mpi mpi, int replicas, Classifier model, Optimizer optimizer) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        this.mpi = mpi;
        this.replicas = replicas;
        this.rank = mpi == null ? 0 : mpi.rank();
        this.nanoAdam = optimizer instanceof NanoAdam n ? n : null;
        this.gradientCriterion = nanoAdam != null && nanoAdam.hyperparameters().criterion() == Criterion.LARGEST_GRADIENT;
        this.dense = nanoAdam == null ? new Parameter[0] : nanoAdam.denseParameters().toArray(new Parameter[0]);
        this.all = optimizer.parameters().toArray(new Parameter[0]);
        this.denseLength = length(dense);
        this.allLength = length(all);
        List<float[]> live = new ArrayList<>(model.buffers().values());
        this.buffers = live.toArray(new float[0][]);
        this.stepStart = new float[buffers.length][];
        long b = 0;
        for (int i = 0; i < buffers.length; i++) {
            stepStart[i] = new float[buffers[i].length];
            b += buffers[i].length;
        }
        this.bufferLength = Math.toIntExact(b);
        this.weights = model.parameters();
    }

    /**
     * Over the ranks of an MPI job: this process computes its rank's slice of every batch.
     *
     * @param model the replica this rank trains
     * @param optimizer the optimizer that steps it (the trainer's only one)
     */
    public static DataParallel overMpi(Mpi mpi, Classifier model, Optimizer optimizer) {
        return new DataParallel(Objects.requireNonNull(mpi, "mpi"), mpi.size(), model, optimizer);
    }

    /**
     * The same arithmetic in one process: all {@code replicas} slices of every batch, computed one
     * after another and combined in rank order, as an MPI job of that many ranks combines them.
     */
    public static DataParallel inOneProcess(int replicas, Classifier model, Optimizer optimizer) {
        return new DataParallel(null, replicas, model, optimizer);
    }

    private static int length(Parameter[] ps) {
        long n = 0;
        for (Parameter p : ps) {
            n += p.size();
        }
        return Math.toIntExact(n);
    }

    /** The number of replicas (ranks) a batch is split over. */
    public int replicas() {
        return replicas;
    }

    /** This process's rank (0 in one process). */
    public int rank() {
        return rank;
    }

    /** Whether this process is rank 0, the one that evaluates and writes checkpoints. */
    public boolean isRoot() {
        return rank == 0;
    }

    @Override
    public float lossAndGradients(Classifier model, Batch batch) {
        if (batch.size() % replicas != 0) {
            throw new IllegalArgumentException("a batch of " + batch.size() + " examples does not split into " + replicas
                    + " equal slices (rank " + rank + "); choose a batch size divisible by the number of ranks");
        }
        boolean masked = nanoAdam != null && !(gradientCriterion && nanoAdam.refreshDue());
        if (masked) {
            nanoAdam.refreshNow();
        }
        int values = (masked ? nanoAdam.maskedGradientLength() + denseLength : allLength) + 1;   // gradients and loss
        int length = values + bufferLength;
        ensureCapacity(length);
        int per = batch.size() / replicas;
        int first = mpi == null ? 0 : rank;
        int end = mpi == null ? replicas : rank + 1;
        for (int r = first; r < end; r++) {
            if (mpi == null && replicas > 1) {
                copyBuffers(r == 0, stepStart);   // save them before slice 0, restore them before the others
            }
            float loss = model.lossAndGradients(slice(batch, r, per));
            pack(masked, r * length, values, loss);
        }
        if (mpi != null && replicas > 1) {
            long start = System.nanoTime();
            MemorySegment.copy(gathered, rank * length, send, ValueLayout.JAVA_FLOAT, 0, length);
            mpi.allgatherFloats(send, receive, length);
            MemorySegment.copy(receive, ValueLayout.JAVA_FLOAT, 0, gathered, 0, replicas * length);
            exchangeNanos += System.nanoTime() - start;
        }
        combine(values, length);
        unpack(masked, values);
        steps++;
        lastStepBytes = 4L * length;
        bytesSent += mpi == null ? 0 : lastStepBytes;
        lastStepMasked = masked;
        return gathered[values - 1];
    }

    /** {@code save}: buffers to {@code to}; else {@code to} back into the buffers. */
    private void copyBuffers(boolean save, float[][] to) {
        for (int i = 0; i < buffers.length; i++) {
            if (save) {
                System.arraycopy(buffers[i], 0, to[i], 0, buffers[i].length);
            } else {
                System.arraycopy(to[i], 0, buffers[i], 0, buffers[i].length);
            }
        }
    }

    /** Slice {@code r} of {@code batch}: examples {@code [r*per, (r+1)*per)}, copied into a reused batch. */
    private Batch slice(Batch batch, int r, int per) {
        if (replicas == 1) {
            return batch;
        }
        Batch s = sliceBatch;
        boolean images = batch.images() != null;
        if (s == null || s.size() != per || (s.images() != null) != images
                || (images ? s.images().length * replicas != batch.images().length : s.seqLen() != batch.seqLen())) {
            s = images
                    ? Batch.images(per, batch.channels(), batch.height(), batch.width(),
                            new float[batch.images().length / replicas], new int[per])
                    : Batch.tokens(per, batch.seqLen(), new int[per * batch.seqLen()], new int[per * batch.seqLen()], new int[per]);
            sliceBatch = s;
        }
        if (images) {
            int n = s.images().length;
            System.arraycopy(batch.images(), r * n, s.images(), 0, n);
        } else {
            int n = per * batch.seqLen();
            System.arraycopy(batch.tokenIds(), r * n, s.tokenIds(), 0, n);
            System.arraycopy(batch.attentionMask(), r * n, s.attentionMask(), 0, n);
        }
        System.arraycopy(batch.labels(), r * per, s.labels(), 0, per);
        return s;
    }

    /** Packs gradients, loss and buffers at {@code gathered[offset..)}; the first {@code values} are gradients and loss. */
    private void pack(boolean masked, int offset, int values, float loss) {
        int j = offset;
        if (masked) {
            nanoAdam.readMaskedGradients(gathered, j);
            j += nanoAdam.maskedGradientLength();
            for (Parameter p : dense) {
                System.arraycopy(p.grad(), 0, gathered, j, p.size());
                j += p.size();
            }
        } else {
            for (Parameter p : all) {
                System.arraycopy(p.grad(), 0, gathered, j, p.size());
                j += p.size();
            }
        }
        gathered[j++] = loss;
        assert j == offset + values;
        for (float[] b : buffers) {
            System.arraycopy(b, 0, gathered, j, b.length);
            j += b.length;
        }
    }

    /**
     * {@code gathered[i] = ((v_0 + v_1) + ... + v_{R-1}) / R} for the first {@code values} entries
     * (gradients and loss), rank after rank, in float32; rank 0's buffers stay where they are.
     */
    private void combine(int values, int length) {
        if (replicas == 1) {
            return;
        }
        float count = replicas;
        for (int i = 0; i < values; i++) {
            float sum = gathered[i];
            for (int r = 1; r < replicas; r++) {
                sum += gathered[r * length + i];
            }
            gathered[i] = sum / count;
        }
    }

    /** Writes the combined gradients back, and rank 0's buffers into the model's. */
    private void unpack(boolean masked, int values) {
        int j = 0;
        if (masked) {
            nanoAdam.writeMaskedGradients(gathered, 0);
            j = nanoAdam.maskedGradientLength();
            for (Parameter p : dense) {
                System.arraycopy(gathered, j, p.grad(), 0, p.size());
                j += p.size();
            }
        } else {
            for (Parameter p : all) {
                System.arraycopy(gathered, j, p.grad(), 0, p.size());
                j += p.size();
            }
        }
        j = values;
        for (float[] b : buffers) {
            System.arraycopy(gathered, j, b, 0, b.length);
            j += b.length;
        }
    }

    private void ensureCapacity(int length) {
        long floats = (long) replicas * length;
        if (gathered.length >= floats) {
            return;
        }
        gathered = new float[Math.toIntExact(floats)];
        if (mpi != null) {
            Arena arena = Arena.ofAuto();   // freed with the segments, when a larger pair replaces them
            send = arena.allocate(4L * length, 64);
            receive = arena.allocate(4L * floats, 64);
        }
    }

    /**
     * Sends rank 0's weights and buffers to every rank ({@code MPI_Bcast}), so that every replica
     * starts from the same state: at the start of training and after a checkpoint is loaded.
     * Does nothing in one process.
     */
    public void broadcastFromRoot() {
        if (mpi == null || replicas == 1) {
            return;
        }
        long floats = 0;
        for (Parameter p : weights) {
            floats += p.size();
        }
        for (float[] b : buffers) {
            floats += b.length;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staged = arena.allocate(4 * floats, 64);
            long at = 0;
            for (Parameter p : weights) {
                MemorySegment.copy(p.data(), 0, staged, ValueLayout.JAVA_FLOAT, at, p.size());
                at += 4L * p.size();
            }
            for (float[] b : buffers) {
                MemorySegment.copy(b, 0, staged, ValueLayout.JAVA_FLOAT, at, b.length);
                at += 4L * b.length;
            }
            // MPI counts are ints: send in pieces of at most 1 GiB.
            for (long done = 0; done < at; done += 1 << 30) {
                int bytes = (int) Math.min(1 << 30, at - done);
                mpi.broadcastBytes(staged.asSlice(done, bytes), bytes, 0);
            }
            at = 0;
            for (Parameter p : weights) {
                MemorySegment.copy(staged, ValueLayout.JAVA_FLOAT, at, p.data(), 0, p.size());
                at += 4L * p.size();
            }
            for (float[] b : buffers) {
                MemorySegment.copy(staged, ValueLayout.JAVA_FLOAT, at, b, 0, b.length);
                at += 4L * b.length;
            }
        }
    }

    /** Steps combined so far. */
    public long steps() {
        return steps;
    }

    /** Bytes this rank contributed to the last step's exchange (4 per packed value). */
    public long lastStepBytes() {
        return lastStepBytes;
    }

    /** Bytes this rank contributed to every exchange so far (0 in one process). */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Nanoseconds spent in the exchanges so far (staging and {@code MPI_Allgather}), including the
     * wait for the slowest rank to reach it ({@link ExchangeTiming} times the exchange alone).
     */
    public long exchangeNanos() {
        return exchangeNanos;
    }

    /** Whether the last step exchanged only the masked entries and DENSE tensors. */
    public boolean lastStepMasked() {
        return lastStepMasked;
    }

    /** The bytes a rank would contribute per step if every entry were exchanged (AdamW's traffic). */
    public long wholeStepBytes() {
        return 4L * (allLength + 1 + bufferLength);
    }

    /** One line: ranks, bytes per step per rank against every entry, mean exchange time. */
    public String summary() {
        return String.format(Locale.ROOT, "data-parallel over %d ranks: %,d bytes sent per step per rank (%s), "
                        + "%,d for every entry (%.3f of it); %.3f ms per step in the exchange, waiting for the slowest rank"
                        + " included (mean of %d steps)",
                replicas, lastStepBytes, lastStepMasked ? "masked entries and DENSE tensors" : "every entry",
                wholeStepBytes(), (double) lastStepBytes / wholeStepBytes(),
                steps == 0 ? 0.0 : exchangeNanos / 1e6 / steps, steps);
    }
}
