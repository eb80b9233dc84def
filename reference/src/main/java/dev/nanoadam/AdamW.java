package dev.nanoadam;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Plain AdamW: SPEC.md §6's DENSE update on every parameter, on the same backends as
 * {@link NanoAdam}. The baseline the paper compares against, and what NanoAdam uses for norms and
 * heads. Default weight decay is 0, as for NanoAdam.
 */
public final class AdamW implements Optimizer {
    private final NanoAdam engine;

    private AdamW(NanoAdam engine) {
        this.engine = engine;
    }

    /** A new builder with SPEC.md §2's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void step() {
        engine.step();
    }

    @Override
    public void setLearningRate(double lr) {
        engine.setLearningRate(lr);
    }

    @Override
    public double learningRate() {
        return engine.learningRate();
    }

    @Override
    public long steps() {
        return engine.steps();
    }

    @Override
    public long skippedSteps() {
        return engine.skippedSteps();
    }

    @Override
    public long stateBytes() {
        return engine.stateBytes();
    }

    /** The hyperparameters now in force (density and mask settings are NanoAdam's, unused here). */
    public Hyperparameters hyperparameters() {
        return engine.hyperparameters();
    }

    /** One line per tensor: group, rate, weight decay and state bytes. */
    @Override
    public String describe() {
        return engine.describe();
    }

    @Override
    public List<Parameter> parameters() {
        return engine.parameters();
    }

    /** Bytes the backend really allocated for state; equals {@link #stateBytes()}. */
    public long allocatedStateBytes() {
        return engine.allocatedStateBytes();
    }

    /** A copy of a parameter's moments. */
    public Moments moments(Parameter p) {
        return engine.moments(p);
    }

    @Override
    public void save(Path file) throws IOException {
        engine.save(file);
    }

    @Override
    public void load(Path file) throws IOException {
        engine.load(file);
    }

    @Override
    public void saveTo(OutputStream out) throws IOException {
        engine.saveTo(out);
    }

    @Override
    public void loadFrom(InputStream in) throws IOException {
        engine.loadFrom(in);
    }

    @Override
    public String backendName() {
        return engine.backendName();
    }

    /** One line saying what really runs. */
    public String backendDescription() {
        return engine.backendDescription();
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return engine.toString();
    }

    /** Builds {@link AdamW} optimizers; reusable. */
    public static final class Builder {
        private final Hyper.Draft draft = new Hyper.Draft();
        private final List<ParameterGroup> groups = new ArrayList<>();
        private LearningRateSchedule schedule;

        private Builder() {
        }

        /** Learning rate (default 1e-3). */
        public Builder lr(double lr) { draft.lr = lr; return this; }
        /** beta1, beta2 (default 0.9, 0.999). */
        public Builder betas(double beta1, double beta2) { draft.beta1 = beta1; draft.beta2 = beta2; return this; }
        /** eps (default 1e-8). */
        public Builder eps(double eps) { draft.eps = eps; return this; }
        /** Decoupled weight decay (default 0). */
        public Builder weightDecay(double weightDecay) { draft.weightDecay = weightDecay; return this; }
        /** State type (default FP32). */
        public Builder stateType(StateType stateType) { draft.stateType = stateType; return this; }
        /** Non-finite gradient policy (default ERROR). */
        public Builder nonFinite(NonFinitePolicy policy) { draft.nonFinite = policy; return this; }
        /** Backend name (default "cpu"). */
        public Builder backend(String backend) { draft.backend = backend; return this; }
        /** A learning-rate schedule over the builder's lr, applied before every step (default: none). */
        public Builder schedule(LearningRateSchedule schedule) { this.schedule = schedule; return this; }

        /** Adds a parameter group with its own lr, betas, eps or weight decay; build with {@link #build()}. */
        public Builder group(ParameterGroup group) {
            if (group == null) {
                throw new IllegalArgumentException("group = null");
            }
            groups.add(group);
            return this;
        }

        /** Builds over the groups added with {@link #group}, in that order, all updated densely. */
        public AdamW build() {
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("groups: none added; call group(...) first, or build(parameters)");
            }
            return new AdamW(new NanoAdam(draft.freeze(), List.copyOf(groups), true, schedule));
        }

        /** Builds over every parameter, one group, all updated densely. */
        public AdamW build(List<Parameter> parameters) {
            if (!groups.isEmpty()) {
                throw new IllegalArgumentException("groups: " + groups.size() + " added with group(...); build them"
                        + " with build(), not build(parameters)");
            }
            return new AdamW(new NanoAdam(draft.freeze(),
                    List.of(ParameterGroup.of(NanoAdam.required(parameters, "parameters"))), true, schedule));
        }
    }
}
