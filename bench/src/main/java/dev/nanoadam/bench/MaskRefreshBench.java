package dev.nanoadam.bench;

import dev.nanoadam.Criterion;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Backends;
import dev.nanoadam.spi.Layout;
import dev.nanoadam.spi.Selection;
import dev.nanoadam.spi.SpecMath;
import java.util.List;
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
 * One full chunked bottom-k (SPEC.md §4) over {@code n} weights: the selection kernel of a refresh,
 * driven through the backend SPI exactly as {@code NanoAdam} drives it. For a device backend the
 * time includes sending the n weights.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MaskRefreshBench {
    /**
     * Any backend name; {@code -p backend=tornado} runs TornadoVM's build of the kernels (the launcher
     * then starts JMH with {@code @tornado/target/tornado.argfile}, and the forks inherit its options).
     */
    @Param({"cpu-scalar", "cpu", "opencl"})
    public String backend;

    @Param({"1024", "4096", "65536"})
    public int chunk;

    @Param({"0.1"})
    public double density;

    @Param({"16777216"})
    public int n;

    private Parameter p;
    private Backend kernels;
    private final Selection selection = new Selection();

    @Setup(Level.Trial)
    public void setup() {
        validate();
        p = Fixtures.parameter("layer.weight", n, 42);
        kernels = Backends.open(backend);
        kernels.init(new Layout(new String[] {p.name()}, new int[] {n}, new String[0], new int[0], chunk,
                StateType.FP32));
        int chunks = (n + chunk - 1) / chunk;
        int full = SpecMath.chunkK(density, Math.min(chunk, n));
        int last = SpecMath.chunkK(density, n - (chunks - 1) * chunk);
        selection.set(Criterion.SMALLEST_MAGNITUDE, chunk, full, last, (chunks - 1) * full + last, 0, 0, 0);
    }

    /** The mask of a small tensor on this backend equals cpu-scalar's (STYLE.md rule 9). */
    private void validate() {
        Parameter a = Fixtures.parameter("w", 3 * chunk + 77, 3);
        Parameter b = Fixtures.parameter("w", 3 * chunk + 77, 3);
        try (NanoAdam x = NanoAdam.builder().backend(backend).chunkSize(chunk).density(density)
                .nonFinite(NonFinitePolicy.NONE).build(List.of(a), List.of());
             NanoAdam y = NanoAdam.builder().backend("cpu-scalar").chunkSize(chunk).density(density)
                     .nonFinite(NonFinitePolicy.NONE).build(List.of(b), List.of())) {
            x.step();
            y.step();
            if (!java.util.Arrays.equals(x.mask(a), y.mask(b))) {
                throw new IllegalStateException(backend + " mask differs from cpu-scalar at chunk " + chunk);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
    }

    @Benchmark
    public Backend refresh() {
        kernels.select(0, p.data(), p.grad(), selection);
        return kernels;
    }
}
