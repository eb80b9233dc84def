package dev.nanoadam.bench;

import dev.nanoadam.NonFinitePolicy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The optimizer benchmarks' operations timed by the CPU time of the calling thread instead of the
 * wall clock, for machines that other work shares: time a thread spends descheduled does not
 * count, so ratios hold up under load where JMH's wall-clock figures scatter. Run it with one
 * worker ({@code -Dnanoadam.threads=1}: every job then runs on the calling thread, and the CPU
 * time is the whole operation's); it refuses to run otherwise. Each operation: warmed up, then
 * the best of five rounds of {@code reps} operations, in ms per operation. The masked access is
 * the JVM's ({@code -Dnanoadam.cpu.maskedAccess}).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dnanoadam.threads=1 \
 *     -cp bench/target/benchmarks.jar dev.nanoadam.bench.ThreadCpuTimes [reps]
 * </pre>
 */
public final class ThreadCpuTimes {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int N = 16_777_216;

    private ThreadCpuTimes() {
    }

    private interface Op {
        Object run();
    }

    public static void main(String[] args) {
        if (!"1".equals(System.getProperty("nanoadam.threads"))) {
            throw new IllegalStateException("run with -Dnanoadam.threads=1: the calling thread's CPU time must be the "
                    + "whole operation's");
        }
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.println("one thread's CPU time, ms/op, best of 5 rounds of " + reps + "; masked access "
                + System.getProperty("nanoadam.cpu.maskedAccess", "staged (default)"));

        BandwidthBench bw = new BandwidthBench();
        bw.n = N;
        bw.setup();
        double read = print("BandwidthBench.read", time(bw::read, reps));
        print("BandwidthBench.adamwTraffic", time(bw::adamwTraffic, reps));

        for (String kind : new String[] {"adamw", "nanoadam 0.1", "nanoadam 0.01"}) {
            OptimizerStepBench s = new OptimizerStepBench();
            s.backend = "cpu";
            s.optimizer = kind.split(" ")[0];
            s.density = kind.contains(" ") ? Double.parseDouble(kind.split(" ")[1]) : 0.1;
            s.nonFinite = NonFinitePolicy.ERROR;
            s.n = N;
            s.maskedAccess = "chosen";
            s.setup();
            print("step " + kind + " (ERROR)", time(s::step, reps));
            s.tearDown();
        }

        MaskRefreshBench refresh = new MaskRefreshBench();
        refresh.backend = "cpu";
        refresh.chunk = 4096;
        refresh.density = 0.1;
        refresh.n = N;
        refresh.setup();
        double r = print("MaskRefreshBench.refresh C=4096", time(refresh::refresh, reps));
        refresh.tearDown();
        System.out.printf(Locale.ROOT, "  = %.1f read passes%n", r / read);

        for (double density : new double[] {0.1, 0.01}) {
            MaskedStepPhasesBench p = new MaskedStepPhasesBench();
            p.n = N;
            p.chunk = 4096;
            p.density = density;
            p.setup();
            String d = " density " + density;
            print("phases" + d + ": widen", time(p::widen, reps));
            print("phases" + d + ": checkGather", time(p::checkGather, reps));
            print("phases" + d + ": checkScalarGather", time(p::checkScalarGather, reps));
            print("phases" + d + ": updateNoStore", time(p::updateNoStore, reps));
            print("phases" + d + ": updateScatter", time(p::updateScatter, reps));
            print("phases" + d + ": updateScalarStore", time(p::updateScalarStore, reps));
            print("phases" + d + ": updateScalarGatherStore", time(p::updateScalarGatherStore, reps));
        }
    }

    private static double print(String what, double ms) {
        System.out.printf(Locale.ROOT, "%-50s %8.3f%n", what, ms);
        return ms;
    }

    private static double time(Op op, int reps) {
        Object sink = null;
        for (int i = 0; i < reps; i++) {
            sink = op.run();
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                sink = op.run();
            }
            best = Math.min(best, (MX.getCurrentThreadCpuTime() - t0) / 1e6 / reps);
        }
        if (sink == null) {
            throw new IllegalStateException("no result");
        }
        return best;
    }
}
