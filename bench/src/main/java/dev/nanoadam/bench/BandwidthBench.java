package dev.nanoadam.bench;

import dev.nanoadam.cpu.WorkerPool;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's memory ceiling, measured in the same run as the optimizer: STREAM's triad
 * ({@code a[i] = b[i] + s*c[i]}) and a pure read ({@code sum |x|}), vectorised, on every core
 * through the same worker pool the {@code cpu} backend uses. Bytes per element: triad 12 (plus
 * the write-allocate of {@code a}), read 4.
 *
 * <p>{@code adamwTraffic} moves exactly the bytes of a dense AdamW step under the ERROR policy,
 * without its arithmetic: a read pass over {@code g} (the check), then one pass that reads
 * {@code g, w, m, v} and writes {@code w, m, v} back (20 bytes read and 12 written per element):
 * the ceiling of that step on this machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BandwidthBench {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Param({"16777216"})
    public int n;

    private float[] a;
    private float[] b;
    private float[] c;
    private float[] d;
    private final WorkerPool pool = WorkerPool.shared();
    private final double[] partial = new double[64];
    private int tasks;

    private final WorkerPool.Job triadJob = (task, worker) -> {
        int lo = bound(task);
        int hi = bound(task + 1);
        FloatVector s = FloatVector.broadcast(F, 3f);
        int i = lo;
        for (; i + F.length() <= hi; i += F.length()) {
            FloatVector.fromArray(F, b, i).add(s.mul(FloatVector.fromArray(F, c, i))).intoArray(a, i);
        }
        for (; i < hi; i++) {
            a[i] = b[i] + 3f * c[i];
        }
    };

    private final WorkerPool.Job readJob = (task, worker) -> {
        int lo = bound(task);
        int hi = bound(task + 1);
        FloatVector acc = FloatVector.zero(F);
        int i = lo;
        for (; i + F.length() <= hi; i += F.length()) {
            acc = acc.add(FloatVector.fromArray(F, b, i).abs());
        }
        double sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < hi; i++) {
            sum += Math.abs(b[i]);
        }
        partial[task] = sum;
    };

    private final WorkerPool.Job rmwJob = (task, worker) -> {
        int lo = bound(task);
        int hi = bound(task + 1);
        float[] g = b;
        float[] w = a;
        float[] m = c;
        float[] v = d;
        int i = lo;
        for (; i + F.length() <= hi; i += F.length()) {
            FloatVector gv = FloatVector.fromArray(F, g, i);
            FloatVector.fromArray(F, w, i).sub(gv).intoArray(w, i);
            FloatVector.fromArray(F, m, i).add(gv).intoArray(m, i);
            FloatVector.fromArray(F, v, i).sub(gv).intoArray(v, i);
        }
        for (; i < hi; i++) {
            w[i] -= g[i];
            m[i] += g[i];
            v[i] -= g[i];
        }
    };

    private int bound(int task) {
        long x = (long) task * n / tasks;
        return (int) (x - x % F.length());
    }

    @Setup
    public void setup() {
        a = new float[n];
        b = new float[n];
        c = new float[n];
        d = new float[n];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            b[i] = (float) r.nextGaussian();
            c[i] = (float) r.nextGaussian();
        }
        tasks = pool.size();
        // Validate once against a plain loop (STYLE.md rule 9).
        triad();
        for (int i = 0; i < n; i += 9973) {
            if (a[i] != b[i] + 3f * c[i]) {
                throw new IllegalStateException("triad wrong at " + i);
            }
        }
        double expected = 0;
        for (int i = 0; i < n; i++) {
            expected += Math.abs(b[i]);
        }
        double got = read();
        if (Math.abs(got - expected) > 1e-4 * expected) {
            throw new IllegalStateException("read sum " + got + ", expected " + expected);
        }
        float w0 = a[12345];
        float m0 = c[12345];
        float v0 = d[12345];
        adamwTraffic();
        if (a[12345] != w0 - b[12345] || c[12345] != m0 + b[12345] || d[12345] != v0 - b[12345]) {
            throw new IllegalStateException("adamwTraffic wrong at 12345");
        }
        tasks = pool.size();
    }

    @Benchmark
    public float[] triad() {
        pool.run(tasks, triadJob);
        return a;
    }

    @Benchmark
    public double read() {
        pool.run(tasks, readJob);
        double sum = 0;
        for (int t = 0; t < tasks; t++) {
            sum += partial[t];
        }
        return sum;
    }

    @Benchmark
    public double adamwTraffic() {
        double sum = read();
        pool.run(tasks, rmwJob);
        return sum;
    }
}
