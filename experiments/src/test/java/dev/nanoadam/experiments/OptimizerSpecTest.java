package dev.nanoadam.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.AdamW;
import dev.nanoadam.AdamW8bit;
import dev.nanoadam.GaLore;
import dev.nanoadam.MicroAdam;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.experiments.OptimizerSpec.Kind;
import dev.nanoadam.models.testing.TinyMlp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Naming, parsing and building the five optimizers the experiments compare. */
class OptimizerSpecTest {

    @Test
    void namesParseInOrderAndRefuseUnknownEmptyAndRepeated() {
        assertEquals(List.of("nanoadam", "adamw", "adamw8bit", "galore", "microadam"), OptimizerSpec.NAMES);
        for (Kind k : Kind.values()) {
            assertEquals(k, OptimizerSpec.parseKind(" " + k.cliName().toUpperCase(java.util.Locale.ROOT) + " "));
        }
        assertEquals(List.of(Kind.GALORE, Kind.ADAMW, Kind.MICROADAM),
                OptimizerSpec.parseKinds(List.of("galore,adamw", "microadam"), "--optimizer"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerSpec.parseKinds(List.of("adamw,sgd"), "--optimizer"));
        assertEquals("--optimizer: unknown optimizer 'sgd'; known: nanoadam, adamw, adamw8bit, galore, microadam", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parseKinds(List.of("galore", "GaLore"), "--x"));
        assertEquals("--x names 'galore' twice", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parseKinds(List.of("adamw,,galore"), "--x"));
        assertTrue(e.getMessage().startsWith("--x: empty optimizer name in 'adamw,,galore'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.parseKinds(List.of(), "--x"));
        assertTrue(e.getMessage().startsWith("--x: no optimizer named"), e.getMessage());
    }

    @Test
    void baselinesRunOnCpuOnlyAndNanoAdamNeedsItsOwnFactory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerSpec.baseline(Kind.MICROADAM, 1e-3, "opencl"));
        assertEquals("microadam runs only on the cpu backend, not on 'opencl'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.baseline(Kind.NANOADAM, 1e-3, "cpu"));
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerSpec.baseline(Kind.GALORE, 0, "cpu"));
        assertEquals("learning rate must be a positive number, got 0.0", e.getMessage());
        assertEquals("adamw8bit", OptimizerSpec.baseline(Kind.ADAMW8BIT, 1e-3, "cpu").label());
        assertEquals("galore", OptimizerSpec.baseline(Kind.GALORE, 1e-3, "cpu").toJson().get("optimizer"));
    }

    @Test
    void eachKindBuildsItsOptimizerOverTheModelWithItsStateFormula() {
        TinyMlp model = TinyMlp.images(784, 32, 5, 7);   // layer1.weight 32 x 784, layer1.bias, fc.weight 5 x 32, fc.bias
        List<Parameter> ps = model.parameters();
        long adamw8bit = 0;
        long microadam = 0;
        long galore = 0;
        for (Parameter p : ps) {
            adamw8bit += AdamW8bit.stateBytesOf(p.size());
            microadam += MicroAdam.stateBytesOf(p.size(), 0.01, 10);
            galore += GaLore.isProjectedByDefault(p.name(), p.shape())
                    ? GaLore.projectedStateBytesOf(p.shape()[0], p.shape()[1], 128) : 8L * p.size();
        }
        assertTrue(GaLore.isProjectedByDefault("layer1.weight", new int[] {32, 784}), "the hidden layer is projected");
        Class<?>[] expected = {NanoAdam.class, AdamW.class, AdamW8bit.class, GaLore.class, MicroAdam.class};
        long[] bytes = {-1, 8L * (32 * 784 + 32 + 5 * 32 + 5), adamw8bit, galore, microadam};
        for (Kind k : Kind.values()) {
            OptimizerSpec spec = k == Kind.NANOADAM
                    ? OptimizerSpec.nanoadam(1e-3, 0.1, 10, dev.nanoadam.Criterion.SMALLEST_MAGNITUDE, "cpu", 1)
                    : OptimizerSpec.baseline(k, 1e-3, "cpu");
            try (Optimizer opt = spec.build(model, 10)) {
                assertInstanceOf(expected[k.ordinal()], opt, k.cliName());
                assertEquals(1e-3, opt.learningRate(), k.cliName());
                if (bytes[k.ordinal()] >= 0) {
                    assertEquals(bytes[k.ordinal()], opt.stateBytes(), k.cliName() + " state bytes");
                }
            }
        }
    }
}
