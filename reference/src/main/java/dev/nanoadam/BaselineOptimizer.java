package dev.nanoadam;

import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.spi.StepConstants;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the baseline optimizers ({@link AdamW8bit}, {@link GaLore}, {@link MicroAdam}) share with
 * each other and with SPEC.md: the step counter and learning rate (§3), the non-finite policies
 * (§7: every gradient is checked, in build order, before anything changes), the host constants of
 * the Adam arithmetic (§6, with {@code tau = t + 1}) and the checkpoint envelope of §8 (the same
 * magic, version and CRC-32C as {@link Checkpoint}, with a kind byte of its own per optimizer, so that
 * one optimizer's file is refused by another with a message naming both).
 *
 * <p>A subclass supplies only its update and its state: {@link #update}, {@link #stateBytes()},
 * {@link #allocatedStateBytes()}, {@link #writeState} and {@link #readState}.
 */
abstract class BaselineOptimizer implements Optimizer {
    /** Checkpoint kinds after {@link Checkpoint}'s 0 (NanoAdam) and 1 (AdamW). */
    static final int KIND_ADAMW8BIT = 2;
    static final int KIND_GALORE = 3;
    static final int KIND_MICROADAM = 4;

    /** The name of a checkpoint kind, for messages. */
    static String kindName(int kind) {
        return switch (kind) {
            case 0 -> "NanoAdam";
            case 1 -> "AdamW";
            case KIND_ADAMW8BIT -> "AdamW8bit";
            case KIND_GALORE -> "GaLore";
            case KIND_MICROADAM -> "MicroAdam";
            default -> "an unknown optimizer (kind " + kind + ")";
        };
    }

    final Parameter[] params;
    private final List<Parameter> parameterList;
    final double beta1;
    final double beta2;
    final double eps;
    final double weightDecay;
    final NonFinitePolicy nonFinite;
    private final int kind;
    private double lr;
    long t;
    private long skipped;
    private boolean closed;
    private final LearningRateSchedule schedule;   // null: the rate changes only by setLearningRate
    private final double scheduleBase;             // the builder's lr, the base the schedule scales
    /** The parameter groups, in the builder's order (one when built from a list). */
    final Group[] groups;
    /** [param] the index in {@link #groups} of each parameter's group. */
    final int[] groupOf;

    /**
     * One parameter group's constants (SPEC.md §6 per group, docs/SEMANTICS.md section 1): its own
     * lr, betas, eps and weight decay or the builder's, and §6's constants for the step being applied.
     */
    static final class Group {
        final int index;
        double lr;                 // now in force; setLearningRate sets it to the new rate times lrScale
        final double lrScale;      // the group's lr over the builder's at build time; 1 when inherited
        final double beta1;
        final double beta2;
        final double eps;
        final double weightDecay;
        final NanoAdam.Power beta1Power;
        final NanoAdam.Power beta2Power;
        /** §6's constants for the step being applied, with {@code tau = t + 1}. */
        final StepConstants constants = new StepConstants();

        Group(int index, double lr, double lrScale, double beta1, double beta2, double eps, double weightDecay,
              Map<Double, NanoAdam.Power> powers) {
            this.index = index;
            this.lr = lr;
            this.lrScale = lrScale;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.beta1Power = powers.computeIfAbsent(beta1, NanoAdam.Power::new);
            this.beta2Power = powers.computeIfAbsent(beta2, NanoAdam.Power::new);
        }

        void compute(long tau) {
            constants.compute(lr, beta1, beta2, eps, weightDecay, tau, beta1Power.of(tau), beta2Power.of(tau));
        }
    }

    /**
     * @param parameters every parameter, in the order the subclass keeps them
     * @param groupLists the builder's groups (each parameter in exactly one), or empty for one group of all
     */
    BaselineOptimizer(int kind, Common c, List<Parameter> parameters, List<ParameterGroup> groupLists) {
        Objects.requireNonNull(parameters, "parameters");
        c.validate();
        this.kind = kind;
        this.params = parameters.toArray(new Parameter[0]);
        checkParameters(params);
        this.parameterList = List.copyOf(Arrays.asList(params));
        this.lr = c.lr;
        this.beta1 = c.beta1;
        this.beta2 = c.beta2;
        this.eps = c.eps;
        this.weightDecay = c.weightDecay;
        this.nonFinite = c.nonFinite;
        this.schedule = c.schedule;
        this.scheduleBase = c.lr;
        Map<Double, NanoAdam.Power> powers = new java.util.HashMap<>();
        this.groupOf = new int[params.length];
        if (groupLists.isEmpty()) {
            this.groups = new Group[] {new Group(0, lr, 1.0, beta1, beta2, eps, weightDecay, powers)};
        } else {
            this.groups = new Group[groupLists.size()];
            Map<Parameter, Integer> owner = new IdentityHashMap<>();
            for (int g = 0; g < groups.length; g++) {
                ParameterGroup pg = groupLists.get(g);
                groups[g] = group(g, c, pg, powers);
                for (Parameter p : pg.parameters) {
                    Integer before = owner.put(p, g);
                    if (before != null) {
                        throw new IllegalArgumentException("group " + g + ": parameter '" + p.name()
                                + "' is already in group " + before);
                    }
                }
            }
            for (int i = 0; i < params.length; i++) {
                Integer g = owner.get(params[i]);
                if (g == null) {
                    throw new IllegalArgumentException("parameter '" + params[i].name() + "' is in no group");
                }
                groupOf[i] = g;
            }
        }
    }

    /** Group {@code index}: its overrides, else the builder's values; validated, naming the group. */
    private static Group group(int index, Common c, ParameterGroup pg, Map<Double, NanoAdam.Power> powers) {
        if (pg.role != null || pg.density != null) {
            throw new IllegalArgumentException("group " + index + ": " + (pg.role != null ? "role" : "density")
                    + " is NanoAdam's; this optimizer's groups take lr, betas, eps and weight decay");
        }
        double lr = pg.lr != null ? pg.lr : c.lr;
        double beta1 = pg.beta1 != null ? pg.beta1 : c.beta1;
        double beta2 = pg.beta2 != null ? pg.beta2 : c.beta2;
        double eps = pg.eps != null ? pg.eps : c.eps;
        double wd = pg.weightDecay != null ? pg.weightDecay : c.weightDecay;
        Hyper.checkAdam("group " + index + ": ", lr, beta1, beta2, eps, wd);
        return new Group(index, lr, pg.lr != null ? lr / c.lr : 1.0, beta1, beta2, eps, wd, powers);
    }

    /** §6's constants of parameter {@code i}'s group for the step being applied. */
    final StepConstants constants(int i) {
        return groups[groupOf[i]].constants;
    }

    /** The parameters of every group, group after group; the parameters when there are none. */
    static List<Parameter> flatten(List<ParameterGroup> groups, List<Parameter> parameters) {
        if (groups.isEmpty()) {
            return NanoAdam.required(parameters, "parameters");
        }
        if (parameters != null) {
            throw new IllegalArgumentException("groups: " + groups.size() + " added with group(...); build them"
                    + " with build(), not build(parameters)");
        }
        List<Parameter> all = new ArrayList<>();
        for (ParameterGroup g : groups) {
            all.addAll(g.parameters);
        }
        return all;
    }

    /** The position of {@code p} among this optimizer's parameters (identity, not name). */
    final int indexOf(Parameter p) {
        for (int i = 0; i < params.length; i++) {
            if (params[i] == p) {
                return i;
            }
        }
        throw new IllegalArgumentException("parameter '" + (p == null ? null : p.name())
                + "' does not belong to this optimizer");
    }

    private static void checkParameters(Parameter[] params) {
        Set<String> names = new HashSet<>();
        Map<float[], String> arrays = new IdentityHashMap<>();
        for (Parameter p : params) {
            Objects.requireNonNull(p, "parameters: null parameter");
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("parameters: name '" + p.name() + "' appears twice");
            }
            String other = arrays.put(p.data(), p.name());
            if (other != null) {
                throw new IllegalArgumentException("parameters: '" + p.name() + "' and '" + other
                        + "' share one data array");
            }
        }
    }

    /**
     * The settings every baseline's builder shares, returned as the builder's own type so that
     * its own settings chain after them.
     */
    abstract static class CommonBuilder<B extends CommonBuilder<B>> {
        final Common c = new Common();

        abstract B self();

        /** Learning rate (default 1e-3). */
        public B lr(double lr) { c.lr = lr; return self(); }
        /** beta1, beta2 (default 0.9, 0.999). */
        public B betas(double beta1, double beta2) { c.beta1 = beta1; c.beta2 = beta2; return self(); }
        /** eps (default 1e-8). */
        public B eps(double eps) { c.eps = eps; return self(); }
        /** Decoupled weight decay (default 0). */
        public B weightDecay(double weightDecay) { c.weightDecay = weightDecay; return self(); }
        /** Non-finite gradient policy (default ERROR). */
        public B nonFinite(NonFinitePolicy policy) { c.nonFinite = policy; return self(); }
        /** A learning-rate schedule over the builder's lr, applied before every step (default: none). */
        public B schedule(LearningRateSchedule schedule) { c.schedule = schedule; return self(); }

        /**
         * Adds a parameter group with its own lr, betas, eps or weight decay (a role or a density is
         * refused: they are NanoAdam's); build with {@code build()}.
         */
        public B group(ParameterGroup group) {
            if (group == null) {
                throw new IllegalArgumentException("group = null");
            }
            groups.add(group);
            return self();
        }

        /** The groups added so far, for {@code build()}. */
        final List<ParameterGroup> groups = new ArrayList<>();

        /** Checks that groups were added, for {@code build()}. */
        final List<ParameterGroup> requireGroups() {
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("groups: none added; call group(...) first, or build(parameters)");
            }
            return List.copyOf(groups);
        }
    }

    static final class Common {
        double lr = 1e-3;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
        double weightDecay = 0;
        NonFinitePolicy nonFinite = NonFinitePolicy.ERROR;
        LearningRateSchedule schedule;

        void validate() {
            Hyper.checkAdam("", lr, beta1, beta2, eps, weightDecay);
            if (nonFinite == null) {
                throw new IllegalArgumentException("nonFinite = null: must be set");
            }
        }
    }

    /**
     * One step: §7's check of every gradient, then the subclass's update with §6's constants for
     * {@code tau = t + 1}, then {@code t} advances.
     *
     * @throws NonFiniteGradientException under {@link NonFinitePolicy#ERROR}; nothing was changed
     */
    @Override
    public final void step() {
        ensureOpen();
        if (schedule != null) {
            applyLearningRate(scheduledRate(t));
        }
        boolean checked = nonFinite != NonFinitePolicy.NONE;
        if (checked) {
            for (Parameter p : params) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) {
                    if (SpecMath.nonFinite(g[i])) {
                        if (nonFinite == NonFinitePolicy.ERROR) {
                            throw new NonFiniteGradientException(p.name(), i, g[i], t);
                        }
                        skipped++;
                        return;
                    }
                }
            }
        }
        long tau = t + 1;
        for (Group g : groups) {
            g.compute(tau);
        }
        update();
        t++;
    }

    /** The scheduled rate of step {@code step}, checked. */
    private double scheduledRate(long step) {
        return Hyper.scheduledRate(schedule, step, scheduleBase);
    }

    /** Every group without its own rate gets {@code lr}; a group built with rate r gets lr * r / builder lr. */
    private void applyLearningRate(double rate) {
        lr = rate;
        for (Group g : groups) {
            g.lr = g.lrScale == 1.0 ? rate : rate * g.lrScale;
        }
    }

    /** Applies the update of step {@code t} from the gradients, with {@link #constants} set. */
    abstract void update();

    @Override
    public void setLearningRate(double lr) {
        ensureOpen();
        if (schedule != null) {
            throw new IllegalStateException("setLearningRate: this optimizer follows the schedule it was built with");
        }
        Hyper.checkLr(lr);
        applyLearningRate(lr);
    }

    /** beta1, as built (a group may have its own: {@link #describe()}). */
    public double beta1() {
        return beta1;
    }

    /** beta2, as built. */
    public double beta2() {
        return beta2;
    }

    /** eps, as built. */
    public double eps() {
        return eps;
    }

    /** Decoupled weight decay, as built. */
    public double weightDecay() {
        return weightDecay;
    }

    /** The non-finite gradient policy. */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinite;
    }

    /**
     * What this optimizer does with each tensor, one line each after a header: its group, the
     * group's rate and weight decay, how the tensor is updated and its state bytes.
     */
    @Override
    public String describe() {
        ensureOpen();
        StringBuilder out = new StringBuilder();
        out.append(kindName(kind)).append(" on cpu, t = ").append(t).append(", ").append(stateBytes())
                .append(" bytes of state\n");
        for (int i = 0; i < params.length; i++) {
            Group g = groups[groupOf[i]];
            out.append(String.format(java.util.Locale.ROOT, "  %-40s %-14s group %d  lr %.3g  wd %.3g  %s  %d bytes%n",
                    params[i].name(), Arrays.toString(params[i].shape()), g.index, g.lr, g.weightDecay, how(i),
                    stateBytes(i)));
        }
        return out.toString();
    }

    /** How parameter {@code i} is updated, for {@link #describe()}. */
    abstract String how(int i);

    /** The state bytes of parameter {@code i} (they sum to {@link #stateBytes()}). */
    abstract long stateBytes(int i);

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public long skippedSteps() {
        return skipped;
    }

    @Override
    public List<Parameter> parameters() {
        return parameterList;
    }

    /** Bytes of the state arrays really allocated (their lengths times their element sizes). */
    public abstract long allocatedStateBytes();

    @Override
    public String backendName() {
        return "cpu";
    }

    @Override
    public void close() {
        closed = true;
    }

    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("optimizer is closed");
        }
    }

    // ---- §8 checkpoint ---------------------------------------------------------------------------

    @Override
    public final void save(Path file) throws IOException {
        ensureOpen();
        StateFile.write(file, kind, this::writeAll);
    }

    @Override
    public final void saveTo(OutputStream out) throws IOException {
        ensureOpen();
        StateFile.write(out, kind, this::writeAll);
    }

    private void writeAll(DataOutputStream out) throws IOException {
        {
            out.writeDouble(lr);
            out.writeDouble(beta1);
            out.writeDouble(beta2);
            out.writeDouble(eps);
            out.writeDouble(weightDecay);
            out.writeByte(nonFinite.ordinal());
            out.writeLong(t);
            out.writeLong(skipped);
            out.writeInt(params.length);
            for (Parameter p : params) {
                StateFile.writeName(out, p.name());
                int[] shape = p.shape();
                out.writeInt(shape.length);
                for (int d : shape) {
                    out.writeInt(d);
                }
            }
            out.writeInt(groups.length);
            for (Group g : groups) {
                out.writeDouble(g.lr);
                out.writeDouble(g.lrScale);
                out.writeDouble(g.beta1);
                out.writeDouble(g.beta2);
                out.writeDouble(g.eps);
                out.writeDouble(g.weightDecay);
            }
            for (int gi : groupOf) {
                out.writeInt(gi);
            }
            writeState(out);
        }
    }

    /** Writes the subclass's hyperparameters and state after the common part. */
    abstract void writeState(DataOutputStream out) throws IOException;

    /**
     * Reads what {@link #writeState} wrote, checking every value, into new arrays; returns the
     * action that installs them. Nothing of this optimizer may change before that action runs.
     */
    abstract Runnable readState(StateFile.Reader in) throws IOException;

    @Override
    public final void load(Path file) throws IOException {
        ensureOpen();
        restore("checkpoint " + file + ": ", parser -> StateFile.read(file, kind, parser));
    }

    @Override
    public final void loadFrom(InputStream in) throws IOException {
        ensureOpen();
        // Every array read is checked against its expected length before it is allocated; the
        // limit bounds names and counts: the state itself plus generous room for the headers.
        long headers = 0;
        for (Parameter p : params) {
            headers += 64 + 4L * p.name().length() + 4L * p.shape().length;
        }
        long limit = (1L << 20) + 4 * allocatedStateBytes() + headers;
        restore("checkpoint stream: ", parser -> StateFile.read(in, kind, parser, limit, "checkpoint stream: "));
    }

    /** Reads the state through {@code source}, checks it all, and only then installs it. */
    private void restore(String where, StateFile.Source source) throws IOException {
        Runnable[] install = new Runnable[1];
        double[] common = new double[5];
        long[] counters = new long[2];
        NonFinitePolicy[] policy = new NonFinitePolicy[1];
        double[][] savedGroups = new double[groups.length][6];   // lr, lrScale, beta1, beta2, eps, weightDecay
        int[] savedGroupOf = new int[params.length];
        source.read(in -> {
            for (int i = 0; i < common.length; i++) {
                common[i] = in.readDouble();
            }
            int ordinal = in.readUnsignedByte();
            if (ordinal >= NonFinitePolicy.values().length) {
                throw new CheckpointException(where + "unknown nonFinite " + ordinal);
            }
            policy[0] = NonFinitePolicy.values()[ordinal];
            counters[0] = in.readLong();
            counters[1] = in.readLong();
            if (counters[0] < 0 || counters[1] < 0) {
                throw new CheckpointException(where + "negative counters (t=" + counters[0] + ", skipped="
                        + counters[1] + ")");
            }
            int count = in.count(in.readInt(), "parameter count");
            if (count != params.length) {
                throw new CheckpointException(where + "has " + count + " parameters, this optimizer " + params.length);
            }
            for (int i = 0; i < count; i++) {
                String name = in.readName();
                int rank = in.count(in.readInt(), "rank");
                int[] shape = new int[Math.min(rank, 64)];
                if (rank > 64) {
                    throw new CheckpointException(where + "rank " + rank + " of '" + name + "' is impossible");
                }
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readInt();
                }
                if (!name.equals(params[i].name()) || !Arrays.equals(shape, params[i].shape())) {
                    throw new CheckpointException(where + "parameter " + i + " is '" + name + "' "
                            + Arrays.toString(shape) + " but this optimizer has '" + params[i].name() + "' "
                            + Arrays.toString(params[i].shape()));
                }
            }
            int groupCount = in.count(in.readInt(), "group count");
            if (groupCount != groups.length) {
                throw new CheckpointException(where + "has " + groupCount + " parameter groups, this optimizer "
                        + groups.length);
            }
            for (int g = 0; g < groupCount; g++) {
                for (int q = 0; q < 6; q++) {
                    savedGroups[g][q] = in.readDouble();
                }
            }
            for (int i = 0; i < params.length; i++) {
                savedGroupOf[i] = in.readInt();
            }
            install[0] = readState(in);
        });
        Common c = new Common();
        c.lr = common[0];
        c.beta1 = common[1];
        c.beta2 = common[2];
        c.eps = common[3];
        c.weightDecay = common[4];
        c.nonFinite = policy[0];
        try {
            c.validate();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + "invalid hyperparameter: " + e.getMessage(), e);
        }
        if (c.beta1 != beta1 || c.beta2 != beta2 || c.eps != eps || c.weightDecay != weightDecay
                || c.nonFinite != nonFinite) {
            throw new CheckpointException(where + "was saved with beta1=" + c.beta1 + ", beta2=" + c.beta2 + ", eps="
                    + c.eps + ", weightDecay=" + c.weightDecay + ", nonFinite=" + c.nonFinite
                    + "; this optimizer has beta1=" + beta1 + ", beta2=" + beta2 + ", eps=" + eps + ", weightDecay="
                    + weightDecay + ", nonFinite=" + nonFinite + " (build it with the saved values)");
        }
        for (int g = 0; g < groups.length; g++) {
            double[] x = savedGroups[g];
            Group mine = groups[g];
            if (x[1] != mine.lrScale || x[2] != mine.beta1 || x[3] != mine.beta2 || x[4] != mine.eps
                    || x[5] != mine.weightDecay || !(x[0] > 0) || !Double.isFinite(x[0])) {
                throw new CheckpointException(where + "group " + g + " was saved with lr " + x[0] + " (scale " + x[1]
                        + "), betas " + x[2] + ", " + x[3] + ", eps " + x[4] + ", weight decay " + x[5]
                        + "; this optimizer's group " + g + " has scale " + mine.lrScale + ", betas " + mine.beta1
                        + ", " + mine.beta2 + ", eps " + mine.eps + ", weight decay " + mine.weightDecay);
            }
        }
        for (int i = 0; i < params.length; i++) {
            if (savedGroupOf[i] != groupOf[i]) {
                throw new CheckpointException(where + "parameter '" + params[i].name() + "' was in group "
                        + savedGroupOf[i] + " when saved, and is in group " + groupOf[i] + " here");
            }
        }
        install[0].run();
        lr = c.lr;
        for (int g = 0; g < groups.length; g++) {
            groups[g].lr = savedGroups[g][0];
        }
        t = counters[0];
        skipped = counters[1];
    }

    /** The parameters as a list, for subclasses that group them. */
    static List<Parameter> list(Parameter[] a) {
        return new ArrayList<>(Arrays.asList(a));
    }
}
