package dev.nanoadam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What every optimizer of this library offers: {@link NanoAdam} and {@link AdamW}, and the paper's
 * other baselines {@link AdamW8bit}, {@link MicroAdam} and {@link GaLore} (docs/BASELINES.md).
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

    /**
     * Bytes of optimizer state, exactly as SPEC.md §9 counts them (for the baselines, the formula
     * their class comments and docs/BASELINES.md give).
     */
    long stateBytes();

    /** Writes the full state to {@code file} atomically (SPEC.md §8). */
    void save(Path file) throws IOException;

    /** Restores state saved by {@link #save}; on any mismatch throws and changes nothing. */
    void load(Path file) throws IOException;

    /**
     * Writes the same bytes as {@link #save} to {@code out}, so that the state can live inside a
     * larger checkpoint; flushes {@code out} and leaves it open.
     */
    void saveTo(OutputStream out) throws IOException;

    /**
     * Reads one state written by {@link #saveTo} (or a file written by {@link #save}) from
     * {@code in}, which may go on past it; the same checks as {@link #load}, checksum included, all
     * before anything changes. Reads no further than the state's last byte.
     */
    void loadFrom(InputStream in) throws IOException;

    /**
     * The parameters this optimizer updates: for {@link NanoAdam} the SPARSE ones, then the DENSE
     * ones, each group in the order given to the builder; unmodifiable.
     */
    List<Parameter> parameters();

    /**
     * What this optimizer does with each of its tensors, one line each after a header (the
     * library's optimizers say role or group, rate, how the tensor is updated and its state bytes);
     * by default the class, the step count and each parameter's name and shape.
     */
    default String describe() {
        StringBuilder out = new StringBuilder(getClass().getSimpleName()).append(", t = ").append(steps()).append('\n');
        for (Parameter p : parameters()) {
            out.append("  ").append(p.name()).append(' ').append(java.util.Arrays.toString(p.shape())).append('\n');
        }
        return out.toString();
    }

    /** Sets every gradient of {@link #parameters()} to +0.0 (as before the first backward pass). */
    default void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /**
     * Scales the gradients so that their global L2 norm is at most {@code maxNorm}, as
     * {@code torch.nn.utils.clip_grad_norm_} does, and returns the norm before clipping.
     *
     * <p>The norm is summed in double precision, parameter by parameter in {@link #parameters()}
     * order, entry by entry in ascending flat index, so it is the same on every backend and
     * machine. When it exceeds {@code maxNorm}, every gradient entry is multiplied by the float
     * {@code (float) (maxNorm / (norm + 1e-6))}; otherwise nothing changes. A non-finite norm (a NaN
     * or infinite gradient) is returned and changes nothing, leaving the gradients to the step's
     * non-finite policy.
     *
     * @throws IllegalArgumentException if {@code maxNorm} is not finite and positive
     */
    default double clipGradNorm(double maxNorm) {
        if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm = " + maxNorm + ": must be finite and > 0");
        }
        double sum = 0;
        for (Parameter p : parameters()) {
            float[] g = p.grad();
            for (int i = 0; i < g.length; i++) {
                double x = g[i];
                sum += x * x;
            }
        }
        double norm = Math.sqrt(sum);
        if (Double.isFinite(norm) && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (Parameter p : parameters()) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) {
                    g[i] *= scale;
                }
            }
        }
        return norm;
    }

    /** Name of the backend that really runs, e.g. {@code "cpu"}. */
    String backendName();

    /** Frees backend resources; idempotent. */
    @Override
    void close();
}
