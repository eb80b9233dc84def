package dev.nanoadam.bench;

import dev.nanoadam.models.math.Gemm;
import dev.nanoadam.models.math.Simd;
import dev.nanoadam.cpu.WorkerPool;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Float32 GEMM against the machine's FMA peak, both on all cores.
 *
 * <p>{@code gemm}: {@code C = A * B} for square row-major matrices of {@code size}, through
 * {@link Gemm#multiply} ({@code 2 * size^3} flops per operation). {@code fmaPeak}: register-resident
 * vector FMAs spread over the same {@link WorkerPool}, exactly {@code 2 * 1024^3} flops per
 * operation, so at {@code size=1024} the ratio of the two average times is the fraction of peak
 * the GEMM reaches. {@link #setUp} checks the GEMM once against a naive float64 product before
 * anything is measured. Run with {@code --add-modules jdk.incubator.vector}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {
    private static final VectorSpecies<Float> S = Simd.FLOAT;
    /** Lane FMAs per fmaPeak operation: 1024^3, i.e. 2 * 1024^3 flops. */
    private static final long PEAK_LANE_FMAS = 1L << 30;
    /**
     * Independent accumulators per worker, at least FMA latency (4) times FMA ports (2): 16 where
     * the CPU has 32 vector registers, 8 where it has 16 (more would spill to memory). A power of
     * two, so the work splits exactly.
     */
    private static final int CHAINS = Simd.WIDE_REGISTER_FILE ? 16 : 8;
    /** Pieces the peak work is cut into (a power of two, many per core for balance). */
    private static final int PEAK_TASKS = 256;

    @Param({"256", "512", "1024"})
    public int size;

    private float[] a;
    private float[] b;
    private float[] c;
    private float[] peakSink;
    private int peakIterations;
    private WorkerPool.Job peakBody;

    @Setup(Level.Trial)
    public void setUp() {
        if (Simd.SCALAR) {
            throw new IllegalStateException("GemmBench measures the vector path; unset " + Simd.PROPERTY);
        }
        Random rng = new Random(1);
        a = new float[size * size];
        b = new float[size * size];
        c = new float[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat() * 2 - 1;
            b[i] = rng.nextFloat() * 2 - 1;
        }
        validate(rng);
        long vectorFmas = PEAK_LANE_FMAS / S.length();
        if (vectorFmas % ((long) PEAK_TASKS * CHAINS) != 0) {
            throw new IllegalStateException("peak work does not split evenly for " + S.length() + " lanes");
        }
        peakIterations = (int) (vectorFmas / ((long) PEAK_TASKS * CHAINS));
        peakSink = new float[PEAK_TASKS];
        int iterations = peakIterations;
        peakBody = CHAINS == 16
                ? (task, worker) -> peakSink[task] = fmaChains16(iterations)
                : (task, worker) -> peakSink[task] = fmaChains8(iterations);
        System.out.println("GemmBench: " + Simd.describe() + ", " + WorkerPool.shared().size() + " threads, MR="
                + Gemm.MR + " NR=" + Gemm.NR);
    }

    /** Every element of the product against float64, within the rounding bound of size terms. */
    private void validate(Random rng) {
        Gemm.multiply(size, size, size, a, b, c);
        double u = Math.scalb(1.0, -24);
        double gamma = size * u / (1 - size * u);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < size; p++) {
                    double t = (double) a[i * size + p] * b[p * size + j];
                    exact += t;
                    magnitude += Math.abs(t);
                }
                if (Math.abs(c[i * size + j] - exact) > gamma * magnitude) {
                    throw new IllegalStateException("GEMM validation failed at (" + i + ", " + j + "): "
                            + c[i * size + j] + " vs float64 " + exact);
                }
            }
        }
    }

    @Benchmark
    public float[] gemm() {
        Gemm.multiply(size, size, size, a, b, c);
        return c;
    }

    @Benchmark
    public float[] fmaPeak() {
        WorkerPool.shared().run(PEAK_TASKS, peakBody);
        return peakSink;
    }

    /**
     * {@code iterations * 16} vector FMAs on independent register-resident chains; all in one
     * method so that no vector crosses a call the JIT might not inline.
     */
    private static float fmaChains16(int iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999f);
        FloatVector d = FloatVector.broadcast(S, 0.001f);
        FloatVector c0 = FloatVector.broadcast(S, 0.0f);
        FloatVector c1 = FloatVector.broadcast(S, 0.1f);
        FloatVector c2 = FloatVector.broadcast(S, 0.2f);
        FloatVector c3 = FloatVector.broadcast(S, 0.3f);
        FloatVector c4 = FloatVector.broadcast(S, 0.4f);
        FloatVector c5 = FloatVector.broadcast(S, 0.5f);
        FloatVector c6 = FloatVector.broadcast(S, 0.6f);
        FloatVector c7 = FloatVector.broadcast(S, 0.7f);
        FloatVector c8 = FloatVector.broadcast(S, 0.8f);
        FloatVector c9 = FloatVector.broadcast(S, 0.9f);
        FloatVector c10 = FloatVector.broadcast(S, 1.0f);
        FloatVector c11 = FloatVector.broadcast(S, 1.1f);
        FloatVector c12 = FloatVector.broadcast(S, 1.2f);
        FloatVector c13 = FloatVector.broadcast(S, 1.3f);
        FloatVector c14 = FloatVector.broadcast(S, 1.4f);
        FloatVector c15 = FloatVector.broadcast(S, 1.5f);
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(m, d);
            c1 = c1.fma(m, d);
            c2 = c2.fma(m, d);
            c3 = c3.fma(m, d);
            c4 = c4.fma(m, d);
            c5 = c5.fma(m, d);
            c6 = c6.fma(m, d);
            c7 = c7.fma(m, d);
            c8 = c8.fma(m, d);
            c9 = c9.fma(m, d);
            c10 = c10.fma(m, d);
            c11 = c11.fma(m, d);
            c12 = c12.fma(m, d);
            c13 = c13.fma(m, d);
            c14 = c14.fma(m, d);
            c15 = c15.fma(m, d);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
        return s.reduceLanes(VectorOperators.ADD);
    }

    /** {@code iterations * 8} vector FMAs, for CPUs with 16 vector registers. */
    private static float fmaChains8(int iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999f);
        FloatVector d = FloatVector.broadcast(S, 0.001f);
        FloatVector c0 = FloatVector.broadcast(S, 0.0f);
        FloatVector c1 = FloatVector.broadcast(S, 0.1f);
        FloatVector c2 = FloatVector.broadcast(S, 0.2f);
        FloatVector c3 = FloatVector.broadcast(S, 0.3f);
        FloatVector c4 = FloatVector.broadcast(S, 0.4f);
        FloatVector c5 = FloatVector.broadcast(S, 0.5f);
        FloatVector c6 = FloatVector.broadcast(S, 0.6f);
        FloatVector c7 = FloatVector.broadcast(S, 0.7f);
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(m, d);
            c1 = c1.fma(m, d);
            c2 = c2.fma(m, d);
            c3 = c3.fma(m, d);
            c4 = c4.fma(m, d);
            c5 = c5.fma(m, d);
            c6 = c6.fma(m, d);
            c7 = c7.fma(m, d);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7);
        return s.reduceLanes(VectorOperators.ADD);
    }
}
