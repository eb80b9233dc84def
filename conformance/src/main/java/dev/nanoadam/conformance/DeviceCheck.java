package dev.nanoadam.conformance;

import dev.nanoadam.models.math.Simd;
import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Backends;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Checks one device against the oracle within a wall-clock budget, printing a table as it goes:
 * first, per model, the oracle against itself (the model must be deterministic, or nothing else
 * means anything); then the covering list of every model, interleaved so that a short budget still
 * sees each model; then seeded random configurations until the budget is spent. A configuration
 * that has started always finishes. Under the table, every failure is described in full.
 */
public final class DeviceCheck {
    private final List<Workload> workloads;
    private final String oracle;
    private final String device;
    private final long budgetNanos;
    private final long seed;
    private final int steps;

    /**
     * @param workloads the models to train (at least one)
     * @param oracle the reference backend, normally {@code cpu-scalar}
     * @param device the backend under test
     * @param budgetSeconds wall-clock budget; the determinism rows and one configuration per model always run
     * @param seed seed of the configurations
     * @param steps steps of each covering configuration; random ones take up to {@link Budget#MAX_STEPS}
     */
    public DeviceCheck(List<Workload> workloads, String oracle, String device, double budgetSeconds, long seed, int steps) {
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("no models to check");
        }
        if (!(budgetSeconds > 0)) {
            throw new IllegalArgumentException("budget must be positive, got " + budgetSeconds + " s");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        this.workloads = List.copyOf(workloads);
        this.oracle = oracle;
        this.device = device;
        this.budgetNanos = (long) (budgetSeconds * 1e9);
        this.seed = seed;
        this.steps = steps;
    }

    /** What a check found: every outcome in table order. */
    public record Report(String deviceDescription, List<Outcome> outcomes) {
        public Report {
            outcomes = List.copyOf(outcomes);
        }

        /** Whether every configuration agreed. */
        public boolean allAgree() {
            for (Outcome o : outcomes) {
                if (!o.agreed()) {
                    return false;
                }
            }
            return true;
        }

        /** Steps compared, over all configurations. */
        public long stepsCompared() {
            long n = 0;
            for (Outcome o : outcomes) {
                n += o.stepsAgreed();
            }
            return n;
        }
    }

    /**
     * Runs the check, printing the table to {@code out}.
     *
     * @throws dev.nanoadam.spi.BackendUnavailableException if the device cannot be opened (nothing ran)
     * @throws IllegalArgumentException if no backend has the device's name
     */
    public Report run(PrintStream out) {
        String description;
        try (Backend b = Backends.open(device)) {
            description = b.description();
        }
        try (Backend b = Backends.open(oracle)) {
            out.println("oracle: " + b.description());
        }
        out.println("device: " + description);
        out.println("models: " + (Simd.SCALAR ? "scalar" : Simd.LANES + "-lane vector") + " math ("
                + Simd.PROPERTY + ")");
        out.printf(Locale.ROOT, "budget: %.1f s, seed %d%n%n", budgetNanos / 1e9, seed);
        int width = 0;
        List<List<Configuration>> covering = new ArrayList<>();
        List<ConfigSpace.ChunkSizes> chunks = new ArrayList<>();
        for (Workload w : workloads) {
            ConfigSpace.ChunkSizes c = ConfigSpace.chunkSizes(w);
            chunks.add(c);
            List<Configuration> list = ConfigSpace.covering(w.name(), c, seed, steps);
            covering.add(list);
            for (Configuration x : list) {
                width = Math.max(width, x.summary().length());
            }
        }
        width = Math.min(Math.max(width, 20), 96);
        String header = String.format(Locale.ROOT, "%3s  %-11s  %-" + width + "s  %5s  %6s  %s", "#", "pair", "configuration",
                "steps", "time", "result");
        out.println(header);
        out.println("-".repeat(header.length() + 10));
        List<Outcome> outcomes = new ArrayList<>();
        long start = System.nanoTime();
        // The model itself first: two runs on the oracle must agree.
        for (int i = 0; i < workloads.size(); i++) {
            Configuration c = covering.get(i).getFirst();
            row(out, outcomes, "determinism", width, Lockstep.check(workloads.get(i), c, oracle, oracle));
        }
        int longest = 0;
        for (List<Configuration> list : covering) {
            longest = Math.max(longest, list.size());
        }
        boolean first = true;
        for (int k = 0; k < longest; k++) {
            for (int i = 0; i < workloads.size(); i++) {
                if (k >= covering.get(i).size() || (!first && System.nanoTime() - start >= budgetNanos)) {
                    continue;
                }
                row(out, outcomes, "device", width, Lockstep.check(workloads.get(i), covering.get(i).get(k), oracle, device));
            }
            first = false;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; System.nanoTime() - start < budgetNanos; i = (i + 1) % workloads.size()) {
            Configuration c = ConfigSpace.random(workloads.get(i).name(), chunks.get(i), r, Budget.MAX_STEPS);
            row(out, outcomes, "device", width, Lockstep.check(workloads.get(i), c, oracle, device));
        }
        Report report = new Report(description, outcomes);
        out.println();
        int failed = 0;
        for (Outcome o : outcomes) {
            if (!o.agreed()) {
                failed++;
            }
        }
        out.printf(Locale.ROOT, "%d configurations, %d steps compared bit for bit in %.0f s: %s%n", outcomes.size(),
                report.stepsCompared(), (System.nanoTime() - start) / 1e9,
                failed == 0 ? "all agree" : failed + " DISAGREE");
        int n = 0;
        for (Outcome o : outcomes) {
            n++;
            if (!o.agreed()) {
                out.println();
                out.println("#" + n + ": " + o.report());
            }
        }
        return report;
    }

    private static void row(PrintStream out, List<Outcome> outcomes, String kind, int width, Outcome o) {
        outcomes.add(o);
        String summary = o.configuration().summary();
        if (summary.length() > width) {
            summary = summary.substring(0, width - 3) + "...";
        }
        out.printf(Locale.ROOT, "%3d  %-11s  %-" + width + "s  %2d/%-2d  %5.1fs  %s%n", outcomes.size(), kind, summary,
                o.stepsAgreed(), o.configuration().steps(), o.nanos() / 1e9, o.result());
        out.flush();
    }
}
