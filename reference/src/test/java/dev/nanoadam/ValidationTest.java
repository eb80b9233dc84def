package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** SPEC.md §1-§3 argument checks and the caller-facing contract. */
class ValidationTest {

    private static void refused(String field, Consumer<NanoAdam.Builder> setting) {
        NanoAdam.Builder b = NanoAdam.builder();
        setting.accept(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.build(List.of(Parameter.of("w", new float[4], 4)), List.of()), field);
        assertTrue(e.getMessage().startsWith(field), "message should name " + field + ": " + e.getMessage());
    }

    @Test
    void everyInvalidHyperparameterIsRefusedByName() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused("lr", b -> b.lr(bad));
        }
        for (double bad : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            refused("beta1", b -> b.betas(bad, 0.999));
            refused("beta2", b -> b.betas(0.9, bad));
        }
        for (double bad : new double[] {0, -1e-8, 1e-50, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused("eps", b -> b.eps(bad));
        }
        for (double bad : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            refused("weightDecay", b -> b.weightDecay(bad));
        }
        for (double bad : new double[] {0, -0.5, 1.0001, Double.NaN}) {
            refused("density", b -> b.density(bad));
            refused("finalDensity", b -> b.finalDensity(bad).densityInterval(1).totalSteps(10));
        }
        refused("maskInterval", b -> b.maskInterval(0));
        refused("densityInterval", b -> b.densityInterval(0).totalSteps(5));
        refused("totalSteps", b -> b.densityInterval(2).totalSteps(0));
        refused("totalSteps", b -> b.densityInterval(2));
        refused("totalSteps", b -> b.totalSteps(100));
        refused("finalDensity", b -> b.finalDensity(0.5));
        refused("chunkSize", b -> b.chunkSize(0));
        refused("chunkSize", b -> b.chunkSize(65537));
        refused("backend", b -> b.backend("no-such-backend"));
        refused("backend", b -> b.backend(null));
        refused("backend", b -> b.backend(" "));
        refused("criterion", b -> b.criterion(null));
        refused("momentPolicy", b -> b.momentPolicy(null));
        refused("stateType", b -> b.stateType(null));
        refused("nonFinite", b -> b.nonFinite(null));
    }

    /** A checkpoint is written like any new file of the user's (umask permissions), atomically, directories made. */
    @Test
    void aCheckpointIsAnOrdinaryFileOfTheUsers(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path file = dir.resolve("run/opt.ckpt");
        try (NanoAdam opt = NanoAdam.builder().build(List.of(Parameter.of("w", new float[8], 8)), List.of())) {
            opt.save(file);
        }
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
        try (var names = Files.list(file.getParent())) {
            assertEquals(List.of("opt.ckpt"), names.map(p -> p.getFileName().toString()).toList(), "no temporary left");
        }
    }

    @Test
    void adamwRefusesANullFieldByName() {
        for (String field : List.of("stateType", "nonFinite", "backend")) {
            AdamW.Builder b = AdamW.builder();
            switch (field) {
                case "stateType" -> b.stateType(null);
                case "nonFinite" -> b.nonFinite(null);
                default -> b.backend(null);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.build(List.of(Parameter.of("w", new float[4], 4))));
            assertEquals(field + " = null: must be set", e.getMessage());
        }
    }

    @Test
    void unknownBackendListsTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdamW.builder().backend("gpu9").build(List.of(Parameter.of("w", new float[1], 1))));
        assertTrue(e.getMessage().contains("cpu-scalar") && e.getMessage().contains("gpu9"), e.getMessage());
    }

    @Test
    void parametersAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> Parameter.of("w", new float[6], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Parameter.of("", new float[1], 1));
        assertThrows(IllegalArgumentException.class, () -> Parameter.of("w", new float[0], -1, 0));
        float[] shared = new float[3];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NanoAdam.builder()
                .build(List.of(Parameter.of("a", shared, 3)), List.of(Parameter.of("b", shared, 3))));
        assertTrue(e.getMessage().contains("share"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NanoAdam.builder()
                .build(List.of(Parameter.of("a", new float[1], 1), Parameter.of("a", new float[1], 1))));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        Parameter empty = Parameter.of("empty", new float[0], 0, 5);
        try (NanoAdam opt = NanoAdam.builder().build(List.of(empty), List.of())) {
            opt.step();
            assertEquals(0, opt.mask(empty).length);
            assertEquals(0, opt.stateBytes());
        }
    }

    @Test
    void defaultPartitionPutsNormsAndHeadsOnDense() {
        for (String dense : List.of("encoder.layer.0.attention.output.LayerNorm.weight", "lm_head.weight",
                "classifier.bias", "bn1.weight", "layer1.0.bn2.running_mean", "fc.weight", "layer2.0.downsample.1.bias",
                "model.norm.weight")) {
            assertTrue(NanoAdam.isDenseByDefault(dense), dense);
        }
        for (String sparse : List.of("encoder.layer.0.attention.self.query.weight", "conv1.weight",
                "layer2.0.downsample.0.weight", "embeddings.word_embeddings.weight", "fc1.weight", "layer1.0.conv2.bias")) {
            assertFalse(NanoAdam.isDenseByDefault(sparse), sparse);
        }
        Parameter conv = Parameter.of("conv1.weight", new float[8], 8);
        Parameter bn = Parameter.of("bn1.weight", new float[2], 2);
        try (NanoAdam opt = NanoAdam.builder().build(List.of(conv, bn))) {
            assertEquals(List.of(conv), opt.sparseParameters());
            assertEquals(List.of(bn), opt.denseParameters());
        }
    }

    private static NanoAdam small(NonFinitePolicy policy, Parameter s, Parameter d) {
        return NanoAdam.builder().density(0.5).maskInterval(2).chunkSize(4).nonFinite(policy)
                .build(List.of(s), List.of(d));
    }

    private static Parameter ramp(String name, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (i % 3 - 1) * 0.01f * (i + 1);
        }
        Parameter p = Parameter.of(name, w, n);
        java.util.Arrays.fill(p.grad(), 0.01f);
        return p;
    }

    @Test
    void errorPolicyNamesTheFirstBadGradientAndChangesNothing() {
        Parameter s = ramp("enc.weight", 8);
        Parameter d = ramp("enc.norm.weight", 3);
        try (NanoAdam opt = small(NonFinitePolicy.ERROR, s, d)) {
            opt.step();   // t=0 refreshes; mask now holds the smallest half of each chunk
            int[] mask = opt.mask(s);
            float[] w = s.data().clone();
            float[] dw = d.data().clone();
            float[] m = opt.moments(s).m();
            // A NaN outside the mask is not read by a non-refreshing step: no error.
            int outside = 0;
            while (java.util.Arrays.binarySearch(mask, outside) >= 0) {
                outside++;
            }
            s.grad()[outside] = Float.NaN;
            opt.step();
            assertEquals(2, opt.steps());
            // t=2 refreshes; the NaN is read now only if it is selected, so put bad values on selected entries.
            w = s.data().clone();
            dw = d.data().clone();
            m = opt.moments(s).m();
            mask = opt.mask(s);
            s.grad()[mask[3]] = Float.POSITIVE_INFINITY;
            s.grad()[mask[1]] = Float.NaN;
            d.grad()[0] = Float.NaN;
            s.grad()[outside] = 0.01f;
            NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, opt::step);
            assertEquals("enc.weight", e.parameter());
            assertEquals(2, e.step());
            assertTrue(Float.isNaN(e.value()) || Float.isInfinite(e.value()));
            assertTrue(e.getMessage().contains("enc.weight") && e.getMessage().contains("index " + e.index()),
                    e.getMessage());
            assertTrue(e.index() <= mask[1], "first bad in flat order: " + e.index());
            Compare.exact("weights after refused step", w, s.data());
            Compare.exact("dense weights after refused step", dw, d.data());
            Compare.exact("m after refused step", m, opt.moments(s).m());
            Compare.exact("mask after refused step", mask, opt.mask(s));
            assertEquals(2, opt.steps());
            // Dense gradients are checked too, after every sparse one.
            java.util.Arrays.fill(s.grad(), 0.01f);
            e = assertThrows(NonFiniteGradientException.class, opt::step);
            assertEquals("enc.norm.weight", e.parameter());
            assertEquals(0, e.index());
        }
    }

    @Test
    void skipPolicyCountsAndChangesNothing() {
        Parameter s = ramp("enc.weight", 8);
        Parameter d = ramp("enc.norm.weight", 3);
        try (NanoAdam opt = small(NonFinitePolicy.SKIP, s, d)) {
            opt.step();
            float[] w = s.data().clone();
            d.grad()[2] = Float.NEGATIVE_INFINITY;
            opt.step();
            opt.step();
            assertEquals(1, opt.steps());
            assertEquals(2, opt.skippedSteps());
            Compare.exact("weights after skipped steps", w, s.data());
            d.grad()[2] = 0.01f;
            opt.step();
            assertEquals(2, opt.steps());
        }
    }

    @Test
    void nonePolicyLetsNaNFlowThrough() {
        Parameter s = ramp("enc.weight", 8);
        Parameter d = ramp("enc.norm.weight", 3);
        try (NanoAdam opt = small(NonFinitePolicy.NONE, s, d)) {
            d.grad()[1] = Float.NaN;
            opt.step();
            assertTrue(Float.isNaN(d.data()[1]));
            assertFalse(Float.isNaN(d.data()[0]));
            assertEquals(1, opt.steps());
        }
    }

    @Test
    void writesToDataAreSeenAndLearningRateChangesApplyAndPersist() throws Exception {
        float[] w = new float[8];
        for (int i = 0; i < 8; i++) {
            w[i] = (i % 2 == 0 ? 0.1f : -0.1f) * (i + 1);
        }
        Parameter s = Parameter.of("enc.weight", w, 8);
        Parameter d = ramp("enc.norm.weight", 3);
        try (NanoAdam opt = NanoAdam.builder().density(0.25).maskInterval(1).chunkSize(8).build(List.of(s), List.of(d))) {
            s.data()[5] = 0f;   // now the smallest: the next refresh must pick it
            opt.step();
            assertTrue(java.util.Arrays.binarySearch(opt.mask(s), 5) >= 0);
            s.data()[5] = 1e9f;
            s.data()[2] = -0f;
            opt.step();
            assertTrue(java.util.Arrays.binarySearch(opt.mask(s), 2) >= 0);
            assertTrue(java.util.Arrays.binarySearch(opt.mask(s), 5) < 0);

            float before = d.data()[0];
            opt.setLearningRate(0.5);
            opt.step();
            float change = Math.abs(d.data()[0] - before);
            assertTrue(change > 0.1f, "the new lr applies at the next step: change " + change);
            assertEquals(0.5, opt.learningRate());
            Path file = Files.createTempFile("nanoadam", ".ckpt");
            try {
                opt.save(file);
                opt.setLearningRate(1e-6);
                opt.load(file);
                assertEquals(0.5, opt.learningRate(), "lr survives a checkpoint");
            } finally {
                Files.deleteIfExists(file);
            }
            assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(-1));
        }
    }

    @Test
    void closeIsIdempotentAndFinal() {
        Parameter s = ramp("w", 4);
        NanoAdam opt = NanoAdam.builder().build(List.of(s), List.of());
        opt.close();
        opt.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, opt::step);
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void stepAllocatesNothingOutsideRefreshes() {
        // cpu-scalar on the calling thread; cpu with a tensor large enough that its pool's workers
        // share every job (their allocation counts too).
        stepAllocatesNothing("cpu-scalar", StateType.BF16, 5000);
        stepAllocatesNothing("cpu", StateType.FP32, 1 << 20);
        // Every masked access the cpu backend can select (MaskedAccessBackends), whatever this JVM chose.
        stepAllocatesNothing("cpu-staged", StateType.BF16, 1 << 20);
        stepAllocatesNothing("cpu-gather", StateType.FP32, 1 << 20);
    }

    private void stepAllocatesNothing(String backend, StateType state, int n) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Parameter s = ramp("enc.weight", n);
        Parameter d = ramp("enc.norm.weight", 300);
        try (NanoAdam opt = NanoAdam.builder().backend(backend).maskInterval(1_000_000).stateType(state)
                .build(List.of(s), List.of(d))) {
            // Long enough for the JIT to settle: the Vector API allocates until its code is compiled.
            for (int i = 0; i < 6_000; i++) {
                opt.step();
            }
            List<Thread> watched = new java.util.ArrayList<>(List.of(Thread.currentThread()));
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("nanoadam-worker-")) {
                    watched.add(t);
                }
            }
            long[] ids = watched.stream().mapToLong(Thread::threadId).toArray();
            long[] before = threads.getThreadAllocatedBytes(ids);
            int steps = 10_000;
            for (int i = 0; i < steps; i++) {
                opt.step();
            }
            long[] after = threads.getThreadAllocatedBytes(ids);
            long allocated = 0;
            for (int i = 0; i < ids.length; i++) {
                allocated += after[i] - before[i];
            }
            // The JVM's own bookkeeping (a deoptimisation, a recompilation) may allocate a few dozen
            // bytes once; an allocation in step() itself, 16 bytes at the very least, would show as
            // 160,000 bytes or more over these steps.
            assertTrue(allocated < 2_048, backend + ": bytes allocated by " + steps + " non-refreshing steps on "
                    + ids.length + " threads: " + allocated);
        }
        assertNotEquals(0, s.data()[0]);
    }
}
