package dev.nanoadam.cli;

import dev.nanoadam.AdamW8bit;
import dev.nanoadam.GaLore;
import dev.nanoadam.MicroAdam;
import dev.nanoadam.experiments.Architectures;
import dev.nanoadam.experiments.Architectures.Tensor;
import dev.nanoadam.models.io.SafetensorsFile;
import dev.nanoadam.models.io.TensorInfo;
import dev.nanoadam.spi.SpecMath;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nanoadam memory}: the optimizer-state bytes of AdamW, AdamW8bit, GaLore, MicroAdam and
 * NanoAdam side by side, for named architectures (shapes from their published configurations) or the
 * floating-point tensors of a safetensors file. Each number is the formula that the optimizer's
 * {@code stateBytes()} returns (and that its tests check against what it really allocates).
 */
@Command(name = "memory", description = {"Optimizer-state bytes of AdamW, AdamW8bit, GaLore, MicroAdam and NanoAdam "
        + "side by side, for named architectures (no weights needed) or a safetensors file."})
final class MemoryCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME", split = ",",
            description = "architectures, comma-separated (default: all of demo-resnet, all-minilm-l6-v2, "
                    + "bert-base, opt-1.3b, llama-3.2-3b)")
    List<String> models;

    @Option(names = "--safetensors", paramLabel = "FILE",
            description = "a .safetensors file: every floating-point tensor counts as trainable")
    Path safetensors;

    @Option(names = "--rank", defaultValue = "256", description = "GaLore rank (default: ${DEFAULT-VALUE})")
    int rank;

    @Option(names = "--density", defaultValue = "0.1", description = "NanoAdam density k (default: ${DEFAULT-VALUE})")
    double density;

    @Option(names = "--micro-density", defaultValue = "0.01",
            description = "MicroAdam density (default: ${DEFAULT-VALUE})")
    double microDensity;

    @Option(names = "--window", defaultValue = "10", description = "MicroAdam window m (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--bytes", description = "print exact byte counts instead of MiB")
    boolean bytes;

    @Override
    public Integer call() throws IOException {
        if (rank < 1) {
            throw new IllegalArgumentException("--rank " + rank + ": must be >= 1");
        }
        if (!(density > 0 && density <= 1) || !(microDensity > 0 && microDensity <= 1)) {
            throw new IllegalArgumentException("--density and --micro-density must be in (0, 1]");
        }
        if (window < 1) {
            throw new IllegalArgumentException("--window " + window + ": must be >= 1");
        }
        List<String> names = new ArrayList<>();
        List<List<Tensor>> shapes = new ArrayList<>();
        if (safetensors != null) {
            names.add(safetensors.getFileName().toString());
            shapes.add(fromSafetensors(safetensors));
        }
        if (models != null || safetensors == null) {
            for (String m : models == null ? List.copyOf(Architectures.NAMES.keySet()) : models) {
                String key = m.toLowerCase(Locale.ROOT);
                shapes.add(Architectures.of(key));
                names.add(key);
            }
        }
        print(System.out, names, shapes);
        return 0;
    }

    static List<Tensor> fromSafetensors(Path file) throws IOException {
        List<Tensor> out = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (TensorInfo t : f.tensors()) {
                if (t.dtype().isFloatingPoint()) {
                    out.add(Tensor.of(t.name(), t.intShape()));
                }
            }
        }
        return out;
    }

    /** The columns, in order. */
    static final List<String> COLUMNS = List.of("AdamW", "AdamW8bit", "GaLore", "MicroAdam", "NanoAdam FP32",
            "NanoAdam BF16");

    /** State bytes per column for one model. */
    long[] row(List<Tensor> tensors) {
        long[] r = new long[COLUMNS.size()];
        for (Tensor t : tensors) {
            long n = t.size();
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has more than 2^31-1 entries");
            }
            r[0] += 8 * n;
            r[1] += AdamW8bit.stateBytesOf((int) n);
            r[2] += GaLore.isProjectedByDefault(t.name(), t.shape())
                    ? GaLore.projectedStateBytesOf(t.shape()[0], t.shape()[1], rank) : 8 * n;
            r[3] += MicroAdam.stateBytesOf((int) n, microDensity, window);
            r[4] += nanoAdam(t, (int) n, 4);
            r[5] += nanoAdam(t, (int) n, 2);
        }
        return r;
    }

    /** SPEC.md §9: SPARSE K*(2s+2) with K the sum of the chunks' K_c (chunk 4096); DENSE 2*n*s. */
    long nanoAdam(Tensor t, int n, int s) {
        if (t.dense()) {
            return 2L * n * s;
        }
        long k = 0;
        for (int base = 0; base < n; base += 4096) {
            k += SpecMath.chunkK(density, Math.min(4096, n - base));
        }
        return k * (2L * s + 2);
    }

    void print(PrintStream out, List<String> names, List<List<Tensor>> shapes) {
        out.printf(Locale.ROOT, "Optimizer state, %s (GaLore rank %d; MicroAdam density %s, window %d; NanoAdam k = %s, "
                + "chunk 4096)%n", bytes ? "bytes" : "MiB", rank, microDensity, window, density);
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-22s %15s", "model", "parameters"));
        for (String c : COLUMNS) {
            head.append(String.format(Locale.ROOT, " %15s", c));
        }
        out.println(head);
        for (int i = 0; i < names.size(); i++) {
            long params = 0;
            for (Tensor t : shapes.get(i)) {
                params += t.size();
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s %15d", names.get(i), params));
            for (long b : row(shapes.get(i))) {
                line.append(bytes ? String.format(Locale.ROOT, " %15d", b)
                        : String.format(Locale.ROOT, " %15.2f", b / 1048576.0));
            }
            out.println(line);
        }
    }
}
