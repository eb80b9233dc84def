package dev.nanoadam.bench;

import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One steady-state optimizer step over one tensor of {@code n} weights: the mask was chosen in
 * set-up and the mask interval is longer than the run, so no refresh happens inside the
 * measurement. For a device backend the time includes the step's transfers. Each parameter set
 * runs in its own fork, so a forced masked access is in place before the backend first loads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class OptimizerStepBench {
    /**
     * Any backend name; {@code -p backend=tornado} runs TornadoVM's build of the kernels (the launcher
     * then starts JMH with {@code @tornado/target/tornado.argfile}, and the forks inherit its options).
     */
    @Param({"cpu-scalar", "cpu", "opencl"})
    public String backend;

    @Param({"adamw", "nanoadam"})
    public String optimizer;

    @Param({"0.01", "0.1"})
    public double density;

    @Param({"ERROR", "NONE"})
    public NonFinitePolicy nonFinite;

    @Param({"16777216"})
    public int n;

    /**
     * The {@code cpu} backend's masked access ({@code -Dnanoadam.cpu.maskedAccess}: {@code staged}
     * or {@code gather}), set in the fork before the backend loads; {@code chosen} leaves the JVM's
     * own choice. {@code -p maskedAccess=staged,gather} compares both within one run.
     */
    @Param({"chosen"})
    public String maskedAccess = "chosen";

    private Parameter p;
    private Optimizer opt;

    @Setup(Level.Trial)
    public void setup() {
        if (!maskedAccess.equals("chosen")) {
            System.setProperty("nanoadam.cpu.maskedAccess", maskedAccess);
        }
        Fixtures.validate(optimizer, backend, density, nonFinite);
        p = Fixtures.parameter("layer.weight", n, 42);
        opt = Fixtures.optimizer(optimizer, backend, density, nonFinite, p);
        opt.step();   // step 0 refreshes the mask; later steps do not
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opt.close();
    }

    @Benchmark
    public float[] step() {
        opt.step();
        return p.data();
    }
}
