package dev.nanoadam;

import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Backends;
import dev.nanoadam.spi.Layout;
import dev.nanoadam.spi.Selection;
import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.spi.StepConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * NanoAdam: Adam on the smallest-magnitude weights of each chunk of each SPARSE parameter, plain
 * AdamW on the DENSE ones (norms and heads). From "Pay Attention to Small Weights" (Zhou, Gadhikar,
 * Jacobs, Burkholz, NeurIPS 2025); the exact semantics, bit for bit, are SPEC.md's, and this class
 * follows it section by section.
 *
 * <p>Lifecycle:
 * <pre>{@code
 * NanoAdam opt = NanoAdam.builder().lr(1e-4).density(0.1).maskInterval(100).build(params);
 * for (...) {
 *     model.fillGradients();   // writes every Parameter.grad()
 *     opt.step();              // updates Parameter.data() in place
 * }
 * opt.save(path);              // atomically; load(path) into an optimizer over the same parameters
 * opt.close();                 // frees the backend (device memory, threads)
 * }</pre>
 *
 * <p>The caller's arrays are the truth (§1): writes to {@code data()} between steps are seen by every
 * backend, and after {@code step()} returns {@code data()} holds the updated weights. Instances are
 * not thread-safe.
 */
public final class NanoAdam implements Optimizer {

    // ---- §1 parameters and roles --------------------------------------------------------------

    private static final Pattern TORCHVISION_DENSE = Pattern.compile("(^|\\.)(bn\\d*|fc|downsample\\.1)\\.");

    /**
     * SPEC.md §1's default partition: DENSE when the lower-cased name contains {@code norm},
     * {@code head} or {@code classifier}, or matches {@code (^|\.)(bn\d*|fc|downsample\.1)\.}.
     */
    public static boolean isDenseByDefault(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("norm") || lower.contains("head") || lower.contains("classifier")
                || TORCHVISION_DENSE.matcher(lower).find();
    }

    private final Parameter[] sparse;
    private final Parameter[] dense;
    private final Map<Parameter, Integer> sparseIndex = new IdentityHashMap<>();
    private final Map<Parameter, Integer> denseIndex = new IdentityHashMap<>();
    private final boolean adamwOnly;

    // ---- §2 hyperparameters -------------------------------------------------------------------

    private Hyper hyper;

    // ---- §3 step counter and schedule; §5 bookkeeping -----------------------------------------

    private long t;
    private double k;
    private long skipped;
    private long refreshStep;
    private int[] maskFull;      // [sparse] K_c of the full chunks of the current mask
    private int[] maskLast;      // [sparse] K_c of the last chunk of the current mask
    private int[] pendingFull;   // [sparse] the same for the mask a refreshing step selects
    private int[] pendingLast;
    private long preparedStep = -1;   // the step whose refresh refreshNow() already made, else -1
    private char[] maskScratch = new char[0];   // [largest K read so far]: one mask, read for the masked-gradient copies

    private Backend backend;
    private final List<Parameter> parameterList;   // SPARSE, then DENSE
    private final Selection selection = new Selection();
    private final LearningRateSchedule schedule;   // null: the rate changes only by setLearningRate
    private final double scheduleBase;             // the builder's lr, the base the schedule scales

    // ---- parameter groups: each SPARSE and DENSE parameter belongs to one part -----------------

    private Part[] parts;            // the non-empty (group, role) parts, in group order, SPARSE before DENSE
    private final int[] sparsePart;  // [sparse] index into parts
    private final int[] densePart;   // [dense] index into parts
    private boolean closed;

    /**
     * Over {@code groups} in order: each group's parameters go to the SPARSE or DENSE list by its
     * role (or, without one, by the default partition), group after group.
     */
    NanoAdam(Hyper hyper, List<ParameterGroup> groups, boolean adamwOnly, LearningRateSchedule schedule) {
        this.schedule = schedule;
        this.scheduleBase = hyper.lr;
        List<Parameter> sparseList = new ArrayList<>();
        List<Parameter> denseList = new ArrayList<>();
        List<Part> partList = new ArrayList<>();
        List<Integer> sparseOf = new ArrayList<>();
        List<Integer> denseOf = new ArrayList<>();
        Map<Double, Power> powers = new java.util.HashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            ParameterGroup group = groups.get(g);
            if (group == null) {
                throw new IllegalArgumentException("group " + g + ": null");
            }
            List<Parameter> own = new ArrayList<>();
            List<Parameter> owd = new ArrayList<>();
            for (Parameter p : group.parameters) {
                Role role = adamwOnly ? Role.DENSE
                        : group.role != null ? group.role : isDenseByDefault(p.name()) ? Role.DENSE : Role.SPARSE;
                (role == Role.SPARSE ? own : owd).add(p);
            }
            if (adamwOnly && (group.density != null || group.role != null)) {
                throw new IllegalArgumentException("group " + g + ": density and role are NanoAdam's; AdamW updates"
                        + " every parameter densely");
            }
            if (group.density != null && group.role == Role.DENSE) {
                throw new IllegalArgumentException("group " + g + ": density = " + group.density
                        + ": applies only to SPARSE parameters, and this group is DENSE");
            }
            for (List<Parameter> members : List.of(own, owd)) {
                if (members.isEmpty()) {
                    continue;
                }
                boolean isSparse = members == own;
                Part part = Part.of(g, isSparse ? Role.SPARSE : Role.DENSE, members.size(), hyper, group);
                part.bindPowers(powers);
                for (Parameter p : members) {
                    (isSparse ? sparseList : denseList).add(p);
                    (isSparse ? sparseOf : denseOf).add(partList.size());
                }
                partList.add(part);
            }
        }
        this.parts = partList.toArray(new Part[0]);
        this.sparsePart = sparseOf.stream().mapToInt(Integer::intValue).toArray();
        this.densePart = denseOf.stream().mapToInt(Integer::intValue).toArray();
        this.sparse = sparseList.toArray(new Parameter[0]);
        this.dense = denseList.toArray(new Parameter[0]);
        this.adamwOnly = adamwOnly;
        checkParameters(sparse, dense);
        List<Parameter> all = new ArrayList<>(List.of(sparse));
        all.addAll(List.of(dense));
        this.parameterList = List.copyOf(all);
        for (int i = 0; i < sparse.length; i++) {
            sparseIndex.put(sparse[i], i);
        }
        for (int i = 0; i < dense.length; i++) {
            denseIndex.put(dense[i], i);
        }
        this.hyper = hyper;
        this.k = hyper.density;
        this.maskFull = new int[sparse.length];
        this.maskLast = new int[sparse.length];
        this.pendingFull = new int[sparse.length];
        this.pendingLast = new int[sparse.length];
        this.backend = Backends.open(hyper.backend);
        try {
            backend.init(layout(hyper));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    private static void checkParameters(Parameter[] sparse, Parameter[] dense) {
        Set<String> names = new HashSet<>();
        Map<float[], String> arrays = new IdentityHashMap<>();
        for (Parameter[] group : List.of(sparse, dense)) {
            for (Parameter p : group) {
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
    }

    private Layout layout(Hyper h) {
        String[] sn = new String[sparse.length];
        int[] ss = new int[sparse.length];
        for (int i = 0; i < sparse.length; i++) {
            sn[i] = sparse[i].name();
            ss[i] = sparse[i].size();
        }
        String[] dn = new String[dense.length];
        int[] ds = new int[dense.length];
        for (int i = 0; i < dense.length; i++) {
            dn[i] = dense[i].name();
            ds[i] = dense[i].size();
        }
        return new Layout(sn, ss, dn, ds, h.chunkSize, h.stateType);
    }

    /** A new builder with SPEC.md §2's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- the step: §3 schedule, §4 refresh, §7 check, §5 remap, §6 update -----------------------

    /**
     * One optimizer step from the parameters' gradients.
     *
     * @throws NonFiniteGradientException under {@link NonFinitePolicy#ERROR}, naming the first bad
     *     gradient; nothing was changed
     */
    @Override
    public void step() {
        ensureOpen();
        final long now = t;
        if (schedule != null) {
            applyLearningRate(scheduledRate(now));
        }
        final Hyper h = hyper;

        // §3: the density schedule, then the refresh decision.
        double kNext = densityAt(now);
        boolean refresh = preparedStep != now && refreshDue(now, kNext);

        // §4: select into the pending masks, from the weights as they are before this update.
        if (refresh) {
            selectPending(h, now, kNext);
        }

        // §7: check every gradient the step would read before anything changes.
        boolean checked = h.nonFinite != NonFinitePolicy.NONE;
        if (checked && !gradientsFinite(refresh, now)) {
            skipped++;
            return;
        }

        // §5: the pending masks become current; moments are reset or carried.
        if (refresh) {
            commitPending(h, now);
        }
        k = kNext;

        // §6: host constants once per step and part (each group's own), then the kernels.
        long sparseTau = h.momentPolicy == MomentPolicy.RESET ? now - refreshStep + 1 : now + 1;
        for (Part part : parts) {
            part.compute(part.role == Role.SPARSE ? sparseTau : now + 1);
        }
        for (int s = 0; s < sparse.length; s++) {
            backend.updateSparse(s, sparse[s].data(), sparse[s].grad(), parts[sparsePart[s]].constants, checked);
        }
        for (int d = 0; d < dense.length; d++) {
            backend.updateDense(d, dense[d].data(), dense[d].grad(), parts[densePart[d]].constants, checked);
        }
        t = now + 1;
    }

    /** §3: k at step {@code now}, from the density schedule (the current k when it does not move). */
    private double densityAt(long now) {
        Hyper h = hyper;
        if (h.densityInterval > 0 && now % h.densityInterval == 0) {
            return h.density + (h.finalDensity - h.density) * (double) Math.min(now, h.totalSteps) / h.totalSteps;
        }
        return k;
    }

    /** §3: whether step {@code now}, with density {@code kNext}, refreshes the masks. */
    private boolean refreshDue(long now, double kNext) {
        return sparse.length > 0 && (now % hyper.maskInterval == 0 || kNext != k);
    }

    /** §4: selects every SPARSE parameter's pending mask for step {@code now} at density {@code kNext}. */
    private void selectPending(Hyper h, long now, double kNext) {
        for (int s = 0; s < sparse.length; s++) {
            int n = sparse[s].size();
            double kPart = parts[sparsePart[s]].density(kNext, h.density);
            int chunks = (int) ((n + (long) h.chunkSize - 1) / h.chunkSize);
            int full = chunks == 0 ? 0 : SpecMath.chunkK(kPart, Math.min(h.chunkSize, n));
            int lastLength = n - (chunks - 1) * h.chunkSize;
            int last = chunks == 0 ? 0 : SpecMath.chunkK(kPart, lastLength);
            int total = chunks == 0 ? 0 : (chunks - 1) * full + last;
            pendingFull[s] = full;
            pendingLast[s] = last;
            selection.set(h.criterion, h.chunkSize, full, last, total, h.seed, now, s);
            backend.select(s, sparse[s].data(), sparse[s].grad(), selection);
        }
    }

    /** §5: the pending masks become current at step {@code now}; moments are reset or carried. */
    private void commitPending(Hyper h, long now) {
        for (int s = 0; s < sparse.length; s++) {
            backend.commitMask(s, h.momentPolicy);
            maskFull[s] = pendingFull[s];
            maskLast[s] = pendingLast[s];
        }
        refreshStep = now;
    }

    // ---- the masks of the next step, ahead of it (data-parallel training) ------------------------

    /**
     * Whether the next {@link #step()} refreshes the masks (SPEC.md §3: {@code t % m == 0} or the
     * density schedule moves {@code k}); false once {@link #refreshNow()} has made that refresh.
     */
    public boolean refreshDue() {
        ensureOpen();
        long now = t;
        return preparedStep != now && refreshDue(now, densityAt(now));
    }

    /**
     * Makes the refresh that the next {@link #step()} would make (SPEC.md §3-§5) happen now, so that
     * the masks that step reads are known before it runs; that step then does not refresh again and
     * computes, bit for bit, what it would have computed. Does nothing when no refresh is due.
     *
     * <p>The mask is selected from the weights as they are now (§3), so replicas holding the same
     * weights select the same mask; under {@link Criterion#LARGEST_GRADIENT} it is selected from the
     * gradients as they are now, so call it only once they hold the step's final gradient. Unlike a
     * refresh inside {@code step()}, this one is not undone when the step is then refused (§7): the
     * refreshed masks stay, and the step retried at the same {@code t} uses them.
     */
    public void refreshNow() {
        ensureOpen();
        long now = t;
        double kNext = densityAt(now);
        if (preparedStep == now || !refreshDue(now, kNext)) {
            return;
        }
        Hyper h = hyper;
        selectPending(h, now, kNext);
        commitPending(h, now);
        k = kNext;
        preparedStep = now;
    }

    /** The number of masked gradient entries: the sum of K over the SPARSE parameters' current masks. */
    public int maskedGradientLength() {
        ensureOpen();
        long total = 0;
        for (int s = 0; s < sparse.length; s++) {
            total += backend.maskLength(s);
        }
        return Math.toIntExact(total);
    }

    /**
     * Copies the gradient entries the current masks select into {@code to[offset..offset +
     * maskedGradientLength())}: SPARSE parameter after parameter in build order, each in mask order
     * (ascending flat index), which is the order of its compact moments (§4). With
     * {@link #refreshNow()} first, these are exactly the entries the next {@link #step()} reads.
     * Allocation-free once a mask of this size has been read.
     */
    public void readMaskedGradients(float[] to, int offset) {
        copyMaskedGradients(to, offset, true);
    }

    /**
     * The reverse of {@link #readMaskedGradients}: writes {@code from[offset..offset +
     * maskedGradientLength())} into the masked entries of the SPARSE parameters' gradients, in the
     * same order. Entries outside the masks are left as they are (the step does not read them).
     */
    public void writeMaskedGradients(float[] from, int offset) {
        copyMaskedGradients(from, offset, false);
    }

    private void copyMaskedGradients(float[] buffer, int offset, boolean read) {
        int length = maskedGradientLength();
        Objects.checkFromIndexSize(offset, length, buffer.length);
        int j = offset;
        for (int s = 0; s < sparse.length; s++) {
            int kTotal = backend.maskLength(s);
            if (kTotal > maskScratch.length) {
                maskScratch = new char[kTotal];
            }
            backend.readMask(s, maskScratch);
            float[] g = sparse[s].grad();
            int chunkSize = hyper.chunkSize;
            int chunks = (int) ((sparse[s].size() + (long) chunkSize - 1) / chunkSize);
            int i = 0;
            for (int c = 0; c < chunks && kTotal > 0; c++) {
                int base = c * chunkSize;
                for (int end = i + (c == chunks - 1 ? maskLast[s] : maskFull[s]); i < end; i++, j++) {
                    int p = base + maskScratch[i];
                    if (read) {
                        buffer[j] = g[p];
                    } else {
                        g[p] = buffer[j];
                    }
                }
            }
        }
    }

    /** §7: false under SKIP when a bad value is found; throws under ERROR. */
    private boolean gradientsFinite(boolean refresh, long now) {
        Parameter bad = null;
        int index = -1;
        for (int s = 0; s < sparse.length && bad == null; s++) {
            index = backend.checkSparse(s, sparse[s].grad(), refresh);
            if (index >= 0) {
                bad = sparse[s];
            }
        }
        for (int d = 0; d < dense.length && bad == null; d++) {
            index = backend.checkDense(d, dense[d].grad());
            if (index >= 0) {
                bad = dense[d];
            }
        }
        if (bad == null) {
            return true;
        }
        if (hyper.nonFinite == NonFinitePolicy.ERROR) {
            throw new NonFiniteGradientException(bad.name(), index, bad.grad()[index], now);
        }
        return false;
    }

    /**
     * {@code StrictMath.pow(beta, tau)} for tau = 0, 1, 2, ..., kept in a table: fdlibm's pow
     * allocates scratch arrays on every call, and step() must not allocate. Once {@code 1 - beta^tau}
     * rounds to exactly 1.0 in double (beta^tau below 2^-54: tau about 37,000 for 0.999) every later
     * power gives the same constants as 0.0 does, so the table stops there. It is filled up to that
     * point, or 2^17 entries, when the optimizer is built; past 2^17 steps (only for betas above
     * about 0.9997) a step that first needs a larger tau doubles it.
     */
    static final class Power {
        private final double beta;
        private double[] table = new double[0];
        private int end = -1;   // first tau whose power is negligible against 1.0, once known

        Power(double beta) {
            this.beta = beta;
            grow(EAGER - 1);   // filled at build time, so that step() does not grow it for 2^17 steps
        }

        /** Entries computed when the optimizer is built (1 MiB at most; 0.999 ends near 37,000). */
        private static final int EAGER = 1 << 17;

        double of(long tau) {
            if (end >= 0 && tau >= end) {
                return 0.0;
            }
            if (tau >= table.length) {
                grow(tau);
                if (end >= 0 && tau >= end) {
                    return 0.0;
                }
            }
            return table[(int) tau];
        }

        private void grow(long tau) {
            int from = table.length;
            int length = (int) Math.min(1 << 30, Math.max(1024, Long.highestOneBit(tau) * 2));
            table = java.util.Arrays.copyOf(table, length);
            for (int i = from; i < length; i++) {
                table[i] = StrictMath.pow(beta, i);
                if (1.0 - table[i] == 1.0) {
                    end = i;
                    table = java.util.Arrays.copyOf(table, i);
                    return;
                }
            }
        }
    }

    // ---- accessors ------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the optimizer was built with a {@link LearningRateSchedule},
     *     which sets the rate before every step
     */
    @Override
    public void setLearningRate(double lr) {
        ensureOpen();
        if (schedule != null) {
            throw new IllegalStateException("setLearningRate: this optimizer follows the schedule it was built with");
        }
        Hyper.checkLr(lr);
        applyLearningRate(lr);
    }

    private double scheduledRate(long step) {
        return Hyper.scheduledRate(schedule, step, scheduleBase);
    }

    /** Every group without its own rate gets {@code lr}; a group built with rate r gets lr * r / builder lr. */
    private void applyLearningRate(double lr) {
        if (lr == hyper.lr) {
            return;
        }
        hyper = hyper.withLr(lr);
        for (Part part : parts) {
            part.lr = part.lrScale == 1.0 ? lr : lr * part.lrScale;
        }
    }

    @Override
    public double learningRate() {
        return hyper.lr;
    }

    @Override
    public long steps() {
        return t;
    }

    @Override
    public long skippedSteps() {
        return skipped;
    }

    /** The optimizer-wide hyperparameters now in force; see {@link #describe()} for each group's. */
    public Hyperparameters hyperparameters() {
        Hyper h = hyper;
        return new Hyperparameters(h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, h.density, h.finalDensity,
                h.maskInterval, h.densityInterval, h.totalSteps, h.chunkSize, h.criterion, h.seed, h.momentPolicy,
                h.stateType, h.nonFinite, h.backend);
    }

    /**
     * What this optimizer does with each tensor, one line each after a header: role, group, the
     * group's rate and weight decay, K (the masked entries, SPARSE) and state bytes (SPEC.md §9),
     * so that a user sees what the default partition chose.
     */
    @Override
    public String describe() {
        ensureOpen();
        StringBuilder out = new StringBuilder();
        out.append(adamwOnly ? "AdamW" : "NanoAdam").append(" on ").append(backendName()).append(", t = ").append(t);
        if (!adamwOnly) {
            out.append(", k = ").append(k);
        }
        out.append(", ").append(stateBytes()).append(" bytes of state\n");
        long s = hyper.stateType.bytes();
        for (int i = 0; i < sparse.length; i++) {
            Part part = parts[sparsePart[i]];
            int length = backend.maskLength(i);
            line(out, sparse[i], part, "K = " + length + " of " + sparse[i].size(), (long) length * (2 * s + 2));
        }
        for (int i = 0; i < dense.length; i++) {
            line(out, dense[i], parts[densePart[i]], "all " + dense[i].size(), 2L * dense[i].size() * s);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, Parameter p, Part part, String entries, long bytes) {
        out.append(String.format(Locale.ROOT, "  %-40s %-14s %-6s group %d  lr %.3g  wd %.3g  %s  %d bytes%n",
                p.name(), Arrays.toString(p.shape()), part.role, part.group, part.lr, part.weightDecay, entries,
                bytes));
    }

    /** The density k now in force (SPEC.md §3). */
    public double density() {
        return k;
    }

    /** SPEC.md §9: sum over SPARSE of K*(2s+2) plus sum over DENSE of 2*n*s. */
    @Override
    public long stateBytes() {
        ensureOpen();
        long s = hyper.stateType.bytes();
        long bytes = 0;
        for (int i = 0; i < sparse.length; i++) {
            bytes += (long) backend.maskLength(i) * (2 * s + 2);
        }
        for (Parameter p : dense) {
            bytes += 2L * p.size() * s;
        }
        return bytes;
    }

    @Override
    public List<Parameter> parameters() {
        return parameterList;
    }

    /** Bytes the backend reports as really allocated for state; equals {@link #stateBytes()}. */
    public long allocatedStateBytes() {
        ensureOpen();
        return backend.allocatedStateBytes();
    }

    /** The current mask of a SPARSE parameter as ascending flat indices (a copy; empty before step 0). */
    public int[] mask(Parameter p) {
        ensureOpen();
        int s = sparseSlot(p);
        int length = backend.maskLength(s);
        char[] local = new char[length];
        backend.readMask(s, local);
        int[] flat = new int[length];
        int chunks = (int) ((p.size() + (long) hyper.chunkSize - 1) / hyper.chunkSize);
        int j = 0;
        for (int c = 0; c < chunks && length > 0; c++) {
            int kc = c == chunks - 1 ? maskLast[s] : maskFull[s];
            for (int i = 0; i < kc; i++, j++) {
                flat[j] = c * hyper.chunkSize + local[j];
            }
        }
        return flat;
    }

    /** A copy of a parameter's moments (K entries in mask order for SPARSE, n for DENSE). */
    public Moments moments(Parameter p) {
        ensureOpen();
        Integer s = sparseIndex.get(p);
        if (s != null) {
            int length = backend.maskLength(s);
            float[] m = new float[length];
            float[] v = new float[length];
            backend.readMoments(true, s, m, v);
            return new Moments(m, v);
        }
        int d = denseSlot(p);
        float[] m = new float[p.size()];
        float[] v = new float[p.size()];
        backend.readMoments(false, d, m, v);
        return new Moments(m, v);
    }

    /** The SPARSE parameters, in build order. */
    public List<Parameter> sparseParameters() {
        return List.of(sparse);
    }

    /** The DENSE parameters, in build order. */
    public List<Parameter> denseParameters() {
        return List.of(dense);
    }

    @Override
    public String backendName() {
        return backend == null ? hyper.backend : backend.name();
    }

    /** The backend's own counters (for a device backend: bytes moved each way); see {@link Backend#counters()}. */
    public Map<String, Long> backendCounters() {
        ensureOpen();
        return backend.counters();
    }

    /** One line saying what really runs. */
    public String backendDescription() {
        ensureOpen();
        return backend.description();
    }

    private int sparseSlot(Parameter p) {
        Integer s = sparseIndex.get(p);
        if (s == null) {
            throw new IllegalArgumentException("parameter '" + (p == null ? null : p.name())
                    + "' is not a SPARSE parameter of this optimizer");
        }
        return s;
    }

    private int denseSlot(Parameter p) {
        Integer d = denseIndex.get(p);
        if (d == null) {
            throw new IllegalArgumentException("parameter '" + (p == null ? null : p.name())
                    + "' does not belong to this optimizer");
        }
        return d;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("optimizer is closed");
        }
    }

    // ---- §8 checkpoint ---------------------------------------------------------------------------

    @Override
    public void save(Path file) throws IOException {
        ensureOpen();
        Checkpoint.write(file, snapshot());
    }

    @Override
    public void load(Path file) throws IOException {
        ensureOpen();
        Checkpoint.State loaded = Checkpoint.read(file);
        restore(loaded, "checkpoint " + file + ": ");
    }

    @Override
    public void saveTo(OutputStream out) throws IOException {
        ensureOpen();
        Checkpoint.write(out, snapshot());
    }

    @Override
    public void loadFrom(InputStream in) throws IOException {
        ensureOpen();
        Checkpoint.State loaded = Checkpoint.read(in, largestCheckpointBody(), "checkpoint stream: ");
        restore(loaded, "checkpoint stream: ");
    }

    /**
     * An upper bound of the bytes a checkpoint of these parameters can hold after its magic and
     * version: fixed fields, then per parameter its header and at most 10 bytes an element (a mask
     * entry and two float moments, or two float moments).
     */
    private long largestCheckpointBody() {
        long bytes = 1024;
        for (Parameter p : parameterList) {
            bytes += 16 + 4L * p.name().length() + 4L * p.shape().length + 10L * p.size();
        }
        return bytes;
    }

    private Checkpoint.State snapshot() {
        Checkpoint.State st = new Checkpoint.State();
        st.adamwOnly = adamwOnly;
        st.hyper = hyper;
        st.t = t;
        st.k = k;
        st.skipped = skipped;
        st.refreshStep = refreshStep;
        st.parts = new Checkpoint.PartRecord[parts.length];
        for (int i = 0; i < parts.length; i++) {
            st.parts[i] = parts[i].record();
        }
        st.sparse = new Checkpoint.Tensor[sparse.length];
        for (int s = 0; s < sparse.length; s++) {
            Checkpoint.Tensor x = Checkpoint.Tensor.of(sparse[s]);
            int length = backend.maskLength(s);
            x.mask = new char[length];
            backend.readMask(s, x.mask);
            x.kFull = maskFull[s];
            x.kLast = maskLast[s];
            x.m = new float[length];
            x.v = new float[length];
            backend.readMoments(true, s, x.m, x.v);
            st.sparse[s] = x;
        }
        st.dense = new Checkpoint.Tensor[dense.length];
        for (int d = 0; d < dense.length; d++) {
            Checkpoint.Tensor x = Checkpoint.Tensor.of(dense[d]);
            x.m = new float[dense[d].size()];
            x.v = new float[dense[d].size()];
            backend.readMoments(false, d, x.m, x.v);
            st.dense[d] = x;
        }
        return st;
    }

    /** Checks everything first; only then replaces the state, so a refused load changes nothing. */
    private void restore(Checkpoint.State st, String where) throws CheckpointException {
        if (st.adamwOnly != adamwOnly) {
            throw new CheckpointException(where + "was written by " + (st.adamwOnly ? "AdamW" : "NanoAdam")
                    + " and cannot be loaded into " + (adamwOnly ? "AdamW" : "NanoAdam"));
        }
        try {
            st.hyper.validate();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + "invalid hyperparameter: " + e.getMessage(), e);
        }
        matchGroup(where, "SPARSE", st.sparse, sparse);
        matchGroup(where, "DENSE", st.dense, dense);
        Part[] loadedParts = matchParts(where, st.parts);
        for (int s = 0; s < sparse.length; s++) {
            Checkpoint.Tensor x = st.sparse[s];
            if (x.mask.length > 0 || st.t > 0) {
                checkMask(where, x, st.hyper.chunkSize);
            }
        }
        // The new state is built in a backend of its own and swapped in only when all of it is in
        // place, so a refusal here (a device out of memory, say) leaves this optimizer as it was.
        Backend fresh = Backends.open(hyper.backend);
        try {
            fresh.init(layout(st.hyper));
            for (int s = 0; s < sparse.length; s++) {
                Checkpoint.Tensor x = st.sparse[s];
                fresh.writeSparse(s, x.mask, x.kFull, x.kLast, x.m, x.v);
            }
            for (int d = 0; d < dense.length; d++) {
                fresh.writeDense(d, st.dense[d].m, st.dense[d].v);
            }
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        Backend old = backend;
        backend = fresh;
        old.close();
        for (int s = 0; s < sparse.length; s++) {
            maskFull[s] = st.sparse[s].kFull;
            maskLast[s] = st.sparse[s].kLast;
        }
        hyper = st.hyper.withBackend(hyper.backend);
        parts = loadedParts;
        t = st.t;
        k = st.k;
        skipped = st.skipped;
        refreshStep = st.refreshStep;
        preparedStep = -1;
    }

    /** The saved parts must have this optimizer's group layout; their constants are checked and taken. */
    private Part[] matchParts(String where, Checkpoint.PartRecord[] saved) throws CheckpointException {
        for (int i = 0; i < Math.min(saved.length, parts.length); i++) {
            Checkpoint.PartRecord r = saved[i];
            Part mine = parts[i];
            if (r.group != mine.group || r.role != mine.role || r.count != mine.count) {
                throw new CheckpointException(where + "group " + r.group + " has " + r.count + " " + r.role
                        + " parameters where this optimizer's group " + mine.group + " has " + mine.count + " "
                        + mine.role + " (groups saved: " + java.util.Arrays.toString(describe(saved)) + "; here: "
                        + java.util.Arrays.toString(parts) + ")");
            }
        }
        if (saved.length != parts.length) {
            throw new CheckpointException(where + "has " + saved.length + " parameter group parts, this optimizer "
                    + parts.length + " (" + java.util.Arrays.toString(parts) + ")");
        }
        Part[] loaded = new Part[saved.length];
        Map<Double, Power> powers = new java.util.HashMap<>();
        for (int i = 0; i < saved.length; i++) {
            Checkpoint.PartRecord r = saved[i];
            try {
                Hyper.checkAdam("group " + r.group + ": ", r.lr, r.beta1, r.beta2, r.eps, r.weightDecay);
                if (!(r.lrScale > 0) || !Double.isFinite(r.lrScale)) {
                    throw new IllegalArgumentException("group " + r.group + ": lr scale = " + r.lrScale
                            + ": must be finite and > 0");
                }
                if (!(r.density > 0 && r.density <= 1)) {
                    throw new IllegalArgumentException("group " + r.group + ": density = " + r.density
                            + ": must be in (0, 1]");
                }
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(where + "invalid hyperparameter: " + e.getMessage(), e);
            }
            loaded[i] = new Part(r.group, r.role, r.count, r.lr, r.lrScale, r.beta1, r.beta2, r.eps, r.weightDecay,
                    r.density);
            loaded[i].bindPowers(powers);
        }
        return loaded;
    }

    private static String[] describe(Checkpoint.PartRecord[] records) {
        String[] out = new String[records.length];
        for (int i = 0; i < records.length; i++) {
            out[i] = "group " + records[i].group + " " + records[i].role + " x" + records[i].count;
        }
        return out;
    }

    /**
     * The SPARSE or the DENSE parameters of one group: their constants, the powers of their betas
     * and the step constants computed from them.
     */
    static final class Part {
        final int group;
        final Role role;
        final int count;
        double lr;                 // now in force; setLearningRate sets it to the new rate times lrScale
        final double lrScale;      // the group's lr over the builder's at build time; 1 when inherited
        final double beta1;
        final double beta2;
        final double eps;
        final double weightDecay;
        final double density;      // the group's initial density; the builder's when inherited
        Power beta1Power;          // beta1^tau
        Power beta2Power;
        final StepConstants constants = new StepConstants();

        Part(int group, Role role, int count, double lr, double lrScale, double beta1, double beta2, double eps,
             double weightDecay, double density) {
            this.group = group;
            this.role = role;
            this.count = count;
            this.lr = lr;
            this.lrScale = lrScale;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.density = density;
        }

        /** The part of {@code group} with {@code role}: its overrides, else the builder's values; validated. */
        static Part of(int index, Role role, int count, Hyper h, ParameterGroup group) {
            double lr = group.lr != null ? group.lr : h.lr;
            double beta1 = group.beta1 != null ? group.beta1 : h.beta1;
            double beta2 = group.beta2 != null ? group.beta2 : h.beta2;
            double eps = group.eps != null ? group.eps : h.eps;
            double wd = group.weightDecay != null ? group.weightDecay : h.weightDecay;
            Hyper.checkAdam("group " + index + ": ", lr, beta1, beta2, eps, wd);
            double density = h.density;
            if (group.density != null) {
                density = group.density;
                if (!(density > 0 && density <= 1)) {
                    throw new IllegalArgumentException("group " + index + ": density = " + density
                            + ": must be in (0, 1]");
                }
            }
            return new Part(index, role, count, lr, group.lr != null ? lr / h.lr : 1.0, beta1, beta2, eps, wd,
                    density);
        }

        /**
         * This part's k when the builder's schedule is at {@code k} (its initial value {@code k0}):
         * the group's density scaled as the schedule scales k0; exactly the group's density at
         * {@code k0}, exactly {@code k} for a group without its own density.
         */
        double density(double k, double k0) {
            if (density == k0) {
                return k;
            }
            return k == k0 ? density : k * (density / k0);
        }

        /** Shares one table per beta value among the parts (each holds up to 1 MiB). */
        void bindPowers(Map<Double, Power> powers) {
            beta1Power = powers.computeIfAbsent(beta1, Power::new);
            beta2Power = powers.computeIfAbsent(beta2, Power::new);
        }

        void compute(long tau) {
            constants.compute(lr, beta1, beta2, eps, weightDecay, tau, beta1Power.of(tau), beta2Power.of(tau));
        }

        Checkpoint.PartRecord record() {
            Checkpoint.PartRecord r = new Checkpoint.PartRecord();
            r.group = group;
            r.role = role;
            r.count = count;
            r.lr = lr;
            r.lrScale = lrScale;
            r.beta1 = beta1;
            r.beta2 = beta2;
            r.eps = eps;
            r.weightDecay = weightDecay;
            r.density = density;
            return r;
        }

        @Override
        public String toString() {
            return "group " + group + " " + role + " x" + count;
        }
    }

    private static void matchGroup(String where, String role, Checkpoint.Tensor[] saved, Parameter[] mine)
            throws CheckpointException {
        if (saved.length != mine.length) {
            throw new CheckpointException(where + "has " + saved.length + " " + role + " parameters, this optimizer "
                    + mine.length);
        }
        for (int i = 0; i < mine.length; i++) {
            Checkpoint.Tensor x = saved[i];
            Parameter p = mine[i];
            if (!x.name.equals(p.name()) || !Arrays.equals(x.shape, p.shape())) {
                throw new CheckpointException(where + role + " parameter " + i + " is '" + x.name + "' "
                        + Arrays.toString(x.shape) + " but this optimizer has '" + p.name() + "' "
                        + Arrays.toString(p.shape()));
            }
        }
    }

    /** The mask's structure must be one that §4 can produce: K_c per chunk, ascending local indices. */
    private static void checkMask(String where, Checkpoint.Tensor x, int chunkSize) throws CheckpointException {
        int n = x.size();
        int chunks = (int) ((n + (long) chunkSize - 1) / chunkSize);
        long expected = chunks == 0 ? 0 : (long) (chunks - 1) * x.kFull + x.kLast;
        if (expected != x.mask.length) {
            throw new CheckpointException(where + "mask of '" + x.name + "' has " + x.mask.length
                    + " entries, its chunk counts say " + expected);
        }
        int j = 0;
        for (int c = 0; c < chunks; c++) {
            int length = Math.min(chunkSize, n - c * chunkSize);
            int kc = c == chunks - 1 ? x.kLast : x.kFull;
            if (kc < 1 || kc > length) {
                throw new CheckpointException(where + "mask of '" + x.name + "' selects " + kc
                        + " entries of a chunk of " + length);
            }
            int previous = -1;
            for (int i = 0; i < kc; i++, j++) {
                int local = x.mask[j];
                if (local <= previous || local >= length) {
                    throw new CheckpointException(where + "mask of '" + x.name + "' is not ascending within chunk "
                            + c + " at entry " + j);
                }
                previous = local;
            }
        }
    }

    /** Frees the backend; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backend.close();
        }
    }

    @Override
    public String toString() {
        return (adamwOnly ? "AdamW" : "NanoAdam") + "[" + backendName() + ", t=" + t + ", k=" + k
                + ", sparse=" + sparse.length + ", dense=" + dense.length + "]";
    }

    // ---- §2 builder ------------------------------------------------------------------------------

    static <T> List<T> required(List<T> list, String what) {
        if (list == null) {
            throw new IllegalArgumentException(what + " = null");
        }
        return list;
    }

    /** Builds {@link NanoAdam} optimizers; reusable, each {@code build} validates every field. */
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
        /** Initial density k0 in (0, 1] (default 0.1). */
        public Builder density(double density) { draft.density = density; return this; }
        /** Final density of the schedule (default: the initial density). */
        public Builder finalDensity(double finalDensity) { draft.finalDensity = finalDensity; return this; }
        /** Mask refresh interval m (default 100). */
        public Builder maskInterval(int maskInterval) { draft.maskInterval = maskInterval; return this; }
        /** Density update interval d; setting it turns the schedule on (needs {@link #totalSteps}). */
        public Builder densityInterval(int densityInterval) { draft.densityInterval = densityInterval; return this; }
        /** Total steps T of the density schedule. */
        public Builder totalSteps(long totalSteps) { draft.totalSteps = totalSteps; return this; }
        /** Chunk size C in [1, 65536] (default 4096). */
        public Builder chunkSize(int chunkSize) { draft.chunkSize = chunkSize; return this; }
        /** Selection criterion (default SMALLEST_MAGNITUDE). */
        public Builder criterion(Criterion criterion) { draft.criterion = criterion; return this; }
        /** Seed of the RANDOM criterion (default 0). */
        public Builder seed(long seed) { draft.seed = seed; return this; }
        /** Moment policy at a refresh (default RESET). */
        public Builder momentPolicy(MomentPolicy policy) { draft.momentPolicy = policy; return this; }
        /** State type (default FP32). */
        public Builder stateType(StateType stateType) { draft.stateType = stateType; return this; }
        /** Non-finite gradient policy (default ERROR). */
        public Builder nonFinite(NonFinitePolicy policy) { draft.nonFinite = policy; return this; }
        /** Backend name (default "cpu"); see {@link Backends#available()}. */
        public Builder backend(String backend) { draft.backend = backend; return this; }
        /** A learning-rate schedule over the builder's lr, applied before every step (default: none). */
        public Builder schedule(LearningRateSchedule schedule) { this.schedule = schedule; return this; }

        /** Adds a parameter group (see {@link ParameterGroup}); build with {@link #build()}. */
        public Builder group(ParameterGroup group) {
            if (group == null) {
                throw new IllegalArgumentException("group = null");
            }
            groups.add(group);
            return this;
        }

        /** Builds over the groups added with {@link #group}, in that order. */
        public NanoAdam build() {
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("groups: none added; call group(...) first, or build(parameters)");
            }
            return new NanoAdam(draft.freeze(), List.copyOf(groups), false, schedule);
        }

        /** Builds over two groups: {@code sparse} updated on masks, {@code dense} by AdamW. */
        public NanoAdam build(List<Parameter> sparse, List<Parameter> dense) {
            noGroups();
            return new NanoAdam(draft.freeze(), List.of(ParameterGroup.of(required(sparse, "sparse")).role(Role.SPARSE),
                    ParameterGroup.of(required(dense, "dense")).role(Role.DENSE)), false, schedule);
        }

        /** Builds over one group, split by SPEC.md §1's default partition ({@link #isDenseByDefault}). */
        public NanoAdam build(List<Parameter> parameters) {
            noGroups();
            return new NanoAdam(draft.freeze(), List.of(ParameterGroup.of(required(parameters, "parameters"))), false, schedule);
        }

        private void noGroups() {
            if (!groups.isEmpty()) {
                throw new IllegalArgumentException("groups: " + groups.size() + " added with group(...); build them"
                        + " with build(), not build(parameters)");
            }
        }
    }
}
