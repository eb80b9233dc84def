package dev.nanoadam;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What every optimizer of this library offers: {@link NanoAdam} and {@link AdamW}.
 *
 * <p>Lifecycle: build over a fixed list of {@link Parameter}s, fill the gradients, {@link #step()},
 * repeat; {@link #save}/{@link #load} checkpoint the full state; {@link #close()} frees what the
 * backend holds (device memory, threads).
 */
public interface Optimizer extends AutoCloseable {
    /** Applies one update from the parameters' current gradients (SPEC.md §3-§7). */
    void step();

    /** Sets the learning rate used from the next step on; it is saved with the checkpoint. */
    void setLearningRate(double lr);

    /** The learning rate now in force. */
    double learningRate();

    /** Steps applied so far ({@code t} of SPEC.md §3; skipped steps do not count). */
    long steps();

    /** Steps refused under {@link NonFinitePolicy#SKIP}. */
    long skippedSteps();

    /** Bytes of optimizer state, exactly as SPEC.md §9 counts them. */
    long stateBytes();

    /** Writes the full state to {@code file} atomically (SPEC.md §8). */
    void save(Path file) throws IOException;

    /** Restores state saved by {@link #save}; on any mismatch throws and changes nothing. */
    void load(Path file) throws IOException;

    /** Name of the backend that really runs, e.g. {@code "cpu"}. */
    String backendName();

    /** Frees backend resources; idempotent. */
    @Override
    void close();
}
