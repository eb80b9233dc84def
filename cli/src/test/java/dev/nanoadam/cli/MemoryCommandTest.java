package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.AdamW;
import dev.nanoadam.AdamW8bit;
import dev.nanoadam.GaLore;
import dev.nanoadam.MicroAdam;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.experiments.Architectures;
import dev.nanoadam.experiments.Architectures.Tensor;
import dev.nanoadam.models.io.DType;
import dev.nanoadam.models.io.SafetensorsWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryCommandTest {

    /** Parameter counts published for these models (model cards / the checkpoints' tensors). */
    @Test
    void architecturesHaveTheirPublishedParameterCounts() {
        assertEquals(22_713_216L, count("all-minilm-l6-v2"));
        assertEquals(109_482_240L, count("bert-base"));
        assertEquals(1_315_758_080L, count("opt-1.3b"));
        assertEquals(3_212_749_824L, count("llama-3.2-3b"));
    }

    private static long count(String name) {
        long n = 0;
        for (Tensor t : Architectures.of(name)) {
            n += t.size();
        }
        return n;
    }

    /** Each column equals stateBytes() of the real optimizer built over the demo ResNet's tensors. */
    @Test
    void columnsEqualTheOptimizersOwnStateBytes() {
        List<Tensor> tensors = Architectures.of("demo-resnet");
        MemoryCommand c = command();
        c.rank = 8;   // small enough that the ResNet's matrices are projected with r = 8
        long[] row = c.row(tensors);
        List<Parameter> sparse = new ArrayList<>();
        List<Parameter> dense = new ArrayList<>();
        List<Parameter> all = new ArrayList<>();
        for (Tensor t : tensors) {
            Parameter p = Parameter.of(t.name(), new float[(int) t.size()], t.shape());
            (t.dense() ? dense : sparse).add(p);
            all.add(p);
        }
        List<Optimizer> opts = List.of(AdamW.builder().build(all), AdamW8bit.builder().build(all),
                GaLore.builder().rank(8).build(all), MicroAdam.builder().build(all),
                NanoAdam.builder().density(0.1).build(sparse, dense),
                NanoAdam.builder().density(0.1).stateType(StateType.BF16).build(sparse, dense));
        for (int i = 0; i < opts.size(); i++) {
            Optimizer o = opts.get(i);
            if (o instanceof NanoAdam) {
                // NanoAdam's masks exist after the first step's refresh
                o.step();
            }
            assertEquals(o.stateBytes(), row[i], MemoryCommand.COLUMNS.get(i));
            o.close();
        }
    }

    @Test
    void printsEveryArchitectureAndASafetensorsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.safetensors");
        new SafetensorsWriter().addFloats("layer.attn.weight", DType.F32, new float[512 * 600], 512, 600)
                .addFloats("layer.norm.weight", DType.BF16, new float[600], 600).write(file);
        Cli.Result r = Cli.run("memory", "--safetensors", file.toString(), "--model", "bert-base,opt-1.3b", "--bytes");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("bert-base") && r.out().contains("opt-1.3b") && r.out().contains("m.safetensors"),
                r.out());
        // AdamW: 8 bytes per parameter of OPT-1.3B
        assertTrue(r.out().contains(" " + 8L * 1_315_758_080L + " "), r.out());
        // the file: GaLore projects the 512 x 600 matrix at rank 256: 4*512*256 + 8*256*600, plus 8*600
        assertTrue(r.out().contains(" " + (4L * 512 * 256 + 8L * 256 * 600 + 8 * 600) + " "), r.out());
        Cli.Result bad = Cli.run("memory", "--model", "gpt-9");
        assertTrue(bad.status() != 0 && bad.err().contains("unknown architecture 'gpt-9'"), bad.err());
    }

    private static MemoryCommand command() {
        MemoryCommand c = new MemoryCommand();
        c.rank = 256;
        c.density = 0.1;
        c.microDensity = 0.01;
        c.window = 10;
        return c;
    }
}
