package dev.nanoadam.conformance;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.testing.TinyMlp;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TinyMlp} with one of the faults a model can have that break lock-step training though
 * no backend is wrong, to prove the engine tells them from backend faults.
 */
final class QuirkyModel implements Classifier {
    /** The fault. */
    enum Quirk {
        /** Every other backward pass in the JVM nudges one gradient by an ulp, as a reduction whose order depends on thread timing would. */
        RACE,
        /** The backward pass depends on how many passes this instance has done, which no checkpoint holds. */
        HIDDEN_STATE
    }

    private static final AtomicLong PASSES = new AtomicLong();

    private final TinyMlp inner;
    private final Quirk quirk;
    private long ownPasses;

    QuirkyModel(TinyMlp inner, Quirk quirk) {
        this.inner = inner;
        this.quirk = quirk;
    }

    @Override
    public float lossAndGradients(Batch batch) {
        float loss = inner.lossAndGradients(batch);
        float[] g = inner.denseParameters().get(0).grad();
        boolean nudge = switch (quirk) {
            case RACE -> PASSES.getAndIncrement() % 2 == 1;
            case HIDDEN_STATE -> ownPasses++ >= 3;
        };
        if (nudge) {
            g[0] = Math.nextUp(g[0]);
        }
        return loss;
    }

    @Override
    public int numClasses() {
        return inner.numClasses();
    }

    @Override
    public void predict(Batch batch, int[] out) {
        inner.predict(batch, out);
    }

    @Override
    public List<Parameter> sparseParameters() {
        return inner.sparseParameters();
    }

    @Override
    public List<Parameter> denseParameters() {
        return inner.denseParameters();
    }

    @Override
    public Map<String, float[]> buffers() {
        return inner.buffers();
    }

    @Override
    public void train(boolean on) {
        inner.train(on);
    }
}
