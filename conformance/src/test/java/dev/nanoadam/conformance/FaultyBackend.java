package dev.nanoadam.conformance;

import dev.nanoadam.MomentPolicy;
import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.BackendProvider;
import dev.nanoadam.spi.Backends;
import dev.nanoadam.spi.Layout;
import dev.nanoadam.spi.Selection;
import dev.nanoadam.spi.StepConstants;
import java.util.List;

/**
 * {@code cpu-scalar} with one planted fault, to prove the engine finds and reports it exactly.
 * {@code faulty-weights} flips the lowest bit of one weight of DENSE parameter 0 in its update of
 * step {@link #step}; {@code faulty-m} reports SPARSE parameter 0's {@code m} with one bit flipped
 * from that step on; {@code faulty-mask} reports one mask entry of SPARSE parameter 0 moved by one.
 * Steps are counted by each backend instance from its own first update, so after a checkpoint is
 * resumed on a fresh instance they count from the resume. The fault's place is set in
 * {@link #step} and {@link #index} before the backend is opened.
 */
final class FaultyBackend implements Backend {
    /** The optimizer step (0-based) at which the fault appears. */
    static volatile long step;
    /** The flat index (weights), mask position (m, mask) that the fault touches. */
    static volatile int index;

    private final String name;
    private final Backend delegate = Backends.open("cpu-scalar");
    private long denseUpdates;    // updates of DENSE parameter 0 so far: the step count
    private long sparseUpdates;   // updates of SPARSE parameter 0 so far

    private FaultyBackend(String name) {
        this.name = name;
    }

    /** Offers {@code faulty-weights}, {@code faulty-m} and {@code faulty-mask}. */
    public static final class Provider implements BackendProvider {
        private static final List<String> NAMES = List.of("faulty-weights", "faulty-m", "faulty-mask");

        @Override
        public List<String> names() {
            return NAMES;
        }

        @Override
        public boolean supports(String name) {
            return NAMES.contains(name);
        }

        @Override
        public Backend open(String name) {
            return new FaultyBackend(name);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return name + " (cpu-scalar with a planted fault at step " + step + ", index " + index + ")";
    }

    @Override
    public void init(Layout layout) {
        delegate.init(layout);
    }

    @Override
    public void select(int s, float[] w, float[] g, Selection selection) {
        delegate.select(s, w, g, selection);
    }

    @Override
    public int checkSparse(int s, float[] g, boolean pending) {
        return delegate.checkSparse(s, g, pending);
    }

    @Override
    public int checkDense(int d, float[] g) {
        return delegate.checkDense(d, g);
    }

    @Override
    public void commitMask(int s, MomentPolicy policy) {
        delegate.commitMask(s, policy);
    }

    @Override
    public void updateSparse(int s, float[] w, float[] g, StepConstants k, boolean checked) {
        delegate.updateSparse(s, w, g, k, checked);
        if (s == 0) {
            sparseUpdates++;
        }
    }

    @Override
    public void updateDense(int d, float[] w, float[] g, StepConstants k, boolean checked) {
        delegate.updateDense(d, w, g, k, checked);
        if (d == 0) {
            if (name.equals("faulty-weights") && denseUpdates == step) {
                w[index] = Float.intBitsToFloat(Float.floatToRawIntBits(w[index]) ^ 1);
            }
            denseUpdates++;
        }
    }

    @Override
    public int maskLength(int s) {
        return delegate.maskLength(s);
    }

    @Override
    public void readMask(int s, char[] out) {
        delegate.readMask(s, out);
        if (name.equals("faulty-mask") && s == 0 && sparseUpdates > step && index < out.length) {
            out[index]++;
        }
    }

    @Override
    public void readMoments(boolean sparse, int i, float[] m, float[] v) {
        delegate.readMoments(sparse, i, m, v);
        if (name.equals("faulty-m") && sparse && i == 0 && sparseUpdates > step && index < m.length) {
            m[index] = Float.intBitsToFloat(Float.floatToRawIntBits(m[index]) ^ 1);
        }
    }

    @Override
    public void writeSparse(int s, char[] mask, int kFull, int kLast, float[] m, float[] v) {
        delegate.writeSparse(s, mask, kFull, kLast, m, v);
    }

    @Override
    public void writeDense(int d, float[] m, float[] v) {
        delegate.writeDense(d, m, v);
    }

    @Override
    public long allocatedStateBytes() {
        return delegate.allocatedStateBytes();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
