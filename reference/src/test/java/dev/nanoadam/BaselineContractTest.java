package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every baseline optimizer promises as an {@link Optimizer}: validated hyperparameters, exact
 * state bytes, bit-identical resume, refused foreign or damaged checkpoints, the non-finite policies,
 * and an allocation-free step.
 */
class BaselineContractTest {

    enum Kind {
        ADAMW8BIT(p -> AdamW8bit.builder().lr(0.01).weightDecay(0.01).build(p)),
        MICROADAM(p -> MicroAdam.builder().lr(0.01).weightDecay(0.01).window(3).build(p)),
        GALORE(p -> GaLore.builder().lr(0.01).weightDecay(0.01).rank(4).updateGap(3).build(p));

        final Function<List<Parameter>, BaselineOptimizer> build;

        Kind(Function<List<Parameter>, BaselineOptimizer> build) {
            this.build = build;
        }
    }

    /** A matrix (projected by GaLore), a vector above the 8-bit threshold and a small one. */
    private static List<Parameter> model(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Parameter> ps = new ArrayList<>();
        ps.add(Parameter.of("layer.mlp.weight", Gen.weights(r, 70 * 90, 0.05f, 0.02), 70, 90));
        ps.add(Parameter.of("layer.mlp.bias", Gen.weights(r, 9000, 0.05f, 0.02), 9000));
        ps.add(Parameter.of("layer.norm.weight", Gen.weights(r, 33, 0.05f, 0.02), 33));
        return ps;
    }

    private static void fill(List<Parameter> ps, long seed, int t) {
        SplittableRandom r = new SplittableRandom(seed * 1000 + t);
        for (Parameter p : ps) {
            float[] g = Gen.gradients(r, p.size(), 0.01f, 0.02);
            System.arraycopy(g, 0, p.grad(), 0, g.length);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void resumeIsBitIdentical(Kind kind, @TempDir Path dir) throws IOException {
        List<Parameter> a = model(3);
        List<Parameter> b = model(3);
        int stopAt = 4;
        try (BaselineOptimizer straight = kind.build.apply(a)) {
            BaselineOptimizer interrupted = kind.build.apply(b);
            for (int t = 0; t < 9; t++) {
                if (t == stopAt) {
                    interrupted.setLearningRate(0.02);
                    straight.setLearningRate(0.02);
                    interrupted.save(dir.resolve("x.ckpt"));
                    interrupted.close();
                    interrupted = kind.build.apply(b);
                    interrupted.load(dir.resolve("x.ckpt"));
                    assertEquals(0.02, interrupted.learningRate(), "the learning rate is restored");
                    assertEquals(stopAt, interrupted.steps());
                }
                fill(a, 11, t);
                fill(b, 11, t);
                straight.step();
                interrupted.step();
                for (int i = 0; i < a.size(); i++) {
                    Compare.exact(kind + " t=" + t + " " + a.get(i).name(), a.get(i).data(), b.get(i).data());
                }
            }
            straight.save(dir.resolve("a.ckpt"));
            interrupted.save(dir.resolve("b.ckpt"));
            assertArrayEquals(Files.readAllBytes(dir.resolve("a.ckpt")), Files.readAllBytes(dir.resolve("b.ckpt")),
                    kind + ": the full state after resuming equals the state of the run that never stopped");
            interrupted.close();
        }
    }

    /** The state as bytes inside a larger stream: the file's bytes, read back to its last byte, resumed bit for bit. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void stateInsideALargerStreamResumes(Kind kind, @TempDir Path dir) throws IOException {
        List<Parameter> a = model(5);
        List<Parameter> b = model(5);
        try (BaselineOptimizer first = kind.build.apply(a); BaselineOptimizer second = kind.build.apply(b)) {
            for (int t = 0; t < 4; t++) {
                fill(a, 13, t);
                first.step();
            }
            java.io.ByteArrayOutputStream outer = new java.io.ByteArrayOutputStream();
            outer.write(7);
            first.saveTo(outer);
            outer.write(9);
            first.save(dir.resolve("same.ckpt"));
            byte[] all = outer.toByteArray();
            assertArrayEquals(Files.readAllBytes(dir.resolve("same.ckpt")),
                    java.util.Arrays.copyOfRange(all, 1, all.length - 1), kind + ": the same bytes as save()");
            for (int i = 0; i < a.size(); i++) {
                System.arraycopy(a.get(i).data(), 0, b.get(i).data(), 0, a.get(i).size());
            }
            java.io.InputStream in = new java.io.ByteArrayInputStream(all);
            assertEquals(7, in.read());
            second.loadFrom(in);
            assertEquals(9, in.read(), kind + ": reads no further than its state");
            byte[] flipped = all.clone();
            flipped[all.length / 2] ^= 4;
            java.io.InputStream bad = new java.io.ByteArrayInputStream(flipped, 1, flipped.length - 1);
            assertThrows(CheckpointException.class, () -> second.loadFrom(bad), kind + ": a damaged stream is refused");
            for (int t = 4; t < 8; t++) {
                fill(a, 13, t);
                fill(b, 13, t);
                first.step();
                second.step();
            }
            for (int i = 0; i < a.size(); i++) {
                Compare.exact(kind + " " + a.get(i).name(), a.get(i).data(), b.get(i).data());
            }
        }
    }

    @Test
    void anotherOptimizersCheckpointIsRefusedByName(@TempDir Path dir) throws IOException {
        List<Parameter> ps = model(5);
        for (Kind writer : Kind.values()) {
            Path file = dir.resolve(writer + ".ckpt");
            try (BaselineOptimizer w = writer.build.apply(ps)) {
                w.save(file);
            }
            String writerName = BaselineOptimizer.kindName(switch (writer) {
                case ADAMW8BIT -> BaselineOptimizer.KIND_ADAMW8BIT;
                case MICROADAM -> BaselineOptimizer.KIND_MICROADAM;
                case GALORE -> BaselineOptimizer.KIND_GALORE;
            });
            for (Kind reader : Kind.values()) {
                if (reader != writer) {
                    try (BaselineOptimizer rd = reader.build.apply(ps)) {
                        CheckpointException e = assertThrows(CheckpointException.class, () -> rd.load(file));
                        assertTrue(e.getMessage().contains("written by " + writerName), e.getMessage());
                    }
                }
            }
            try (NanoAdam n = NanoAdam.builder().build(ps)) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> n.load(file));
                assertTrue(e.getMessage().contains("written by " + writerName), e.getMessage());
            }
        }
        Path nano = dir.resolve("nano.ckpt");
        try (AdamW w = AdamW.builder().build(ps)) {
            w.save(nano);
        }
        try (BaselineOptimizer rd = Kind.MICROADAM.build.apply(ps)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> rd.load(nano));
            assertTrue(e.getMessage().contains("written by AdamW and cannot be loaded into MicroAdam"), e.getMessage());
        }
    }

    @Test
    void aCheckpointOfOtherHyperparametersIsRefusedNamingThem(@TempDir Path dir) throws IOException {
        List<Parameter> ps = model(4);
        Path file = dir.resolve("m.ckpt");
        try (MicroAdam a = MicroAdam.builder().window(3).build(ps)) {
            a.save(file);
        }
        try (MicroAdam b = MicroAdam.builder().window(4).build(ps)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> b.load(file));
            assertTrue(e.getMessage().contains("window 3") && e.getMessage().contains("window 4"), e.getMessage());
            assertEquals(0, b.steps());
        }
        try (GaLore a = GaLore.builder().rank(4).build(ps); GaLore b = GaLore.builder().rank(5).build(ps)) {
            a.save(file);
            CheckpointException e = assertThrows(CheckpointException.class, () -> b.load(file));
            assertTrue(e.getMessage().contains("rank 4") && e.getMessage().contains("rank 5"), e.getMessage());
        }
        try (AdamW8bit a = AdamW8bit.builder().betas(0.8, 0.99).build(ps); AdamW8bit b = AdamW8bit.builder().build(ps)) {
            a.save(file);
            CheckpointException e = assertThrows(CheckpointException.class, () -> b.load(file));
            assertTrue(e.getMessage().contains("beta1=0.8"), e.getMessage());
        }
        List<Parameter> other = model(4).subList(0, 2);
        try (AdamW8bit a = AdamW8bit.builder().build(ps); AdamW8bit b = AdamW8bit.builder().build(other)) {
            a.save(file);
            CheckpointException e = assertThrows(CheckpointException.class, () -> b.load(file));
            assertTrue(e.getMessage().contains("has 3 parameters, this optimizer 2"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void damagedCheckpointsAreRefusedAndChangeNothing(Kind kind, @TempDir Path dir) throws IOException {
        List<Parameter> ps = model(6);
        try (BaselineOptimizer opt = kind.build.apply(ps)) {
            for (int t = 0; t < 2; t++) {
                fill(ps, 6, t);
                opt.step();
            }
            Path good = dir.resolve("good.ckpt");
            opt.save(good);
            byte[] bytes = Files.readAllBytes(good);
            for (int step = 1; step < 4; step++) {
                fill(ps, 6, step + 10);
                opt.step();
            }
            Path before = dir.resolve("before.ckpt");
            opt.save(before);
            SplittableRandom r = new SplittableRandom(6);
            for (int trial = 0; trial < 12; trial++) {
                byte[] bad = bytes.clone();
                Path file = dir.resolve("bad.ckpt");
                if (trial % 2 == 0) {
                    bad = java.util.Arrays.copyOf(bad, r.nextInt(bad.length));
                } else {
                    bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
                }
                Files.write(file, bad);
                assertThrows(CheckpointException.class, () -> opt.load(file), kind + " trial " + trial);
                Path after = dir.resolve("after.ckpt");
                opt.save(after);
                assertArrayEquals(Files.readAllBytes(before), Files.readAllBytes(after), kind + ": a refused load changed state");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void stateBytesEqualTheFormulaAndTheAllocation(Kind kind) {
        SplittableRandom r = new SplittableRandom(kind.ordinal());
        for (int trial = 0; trial < 10; trial++) {
            List<Parameter> ps = new ArrayList<>();
            long expected = 0;
            int count = 1 + r.nextInt(4);
            for (int i = 0; i < count; i++) {
                boolean matrix = r.nextBoolean();
                int rows = 1 + r.nextInt(90);
                int cols = 1 + r.nextInt(90);
                int n = matrix ? rows * cols : Gen.awkwardLength(r, 20000);
                Parameter p = matrix ? Parameter.of("l" + i + ".attn.weight", new float[n], rows, cols)
                        : Parameter.of("l" + i + ".bias", new float[n], n);
                ps.add(p);
                expected += switch (kind) {
                    // n >= 4096: one byte per moment entry and one float absmax per 256 entries per moment
                    case ADAMW8BIT -> n >= 4096 ? 2L * n + 2 * 4L * ((n + 255) / 256) : 8L * n;
                    // window of 10... here 3 rows of K (2-byte index + 2-byte bf16), 4-bit error, min+max per 64
                    case MICROADAM -> 3 * 4L * topK(n, 0.01) + (n + 1) / 2 + 8L * ((n + 63) / 64);
                    // projector small x r and two r x large moments in float32; AdamW for the rest
                    case GALORE -> matrix ? 4L * Math.min(rows, cols) * Math.min(4, Math.min(rows, cols))
                            + 8L * Math.min(4, Math.min(rows, cols)) * Math.max(rows, cols) : 8L * n;
                };
            }
            try (BaselineOptimizer opt = kind.build.apply(ps)) {
                assertEquals(expected, opt.stateBytes(), kind + " trial " + trial);
                assertEquals(expected, opt.allocatedStateBytes(), kind + " trial " + trial);
            }
        }
    }

    private static long topK(int n, double density) {
        long k = 0;
        for (int base = 0; base < n; base += 4096) {
            k += SpecMath.chunkK(density, Math.min(4096, n - base));
        }
        return k;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void nonFinitePolicies(Kind kind) throws IOException {
        for (NonFinitePolicy policy : NonFinitePolicy.values()) {
            List<Parameter> ps = model(8);
            BaselineOptimizer opt = switch (kind) {
                case ADAMW8BIT -> AdamW8bit.builder().nonFinite(policy).build(ps);
                case MICROADAM -> MicroAdam.builder().nonFinite(policy).build(ps);
                case GALORE -> GaLore.builder().rank(4).nonFinite(policy).build(ps);
            };
            try (opt) {
                fill(ps, 8, 0);
                opt.step();
                fill(ps, 8, 1);
                ps.get(1).grad()[77] = Float.NaN;
                float[][] before = new float[ps.size()][];
                for (int i = 0; i < ps.size(); i++) {
                    before[i] = ps.get(i).data().clone();
                }
                switch (policy) {
                    case ERROR -> {
                        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, opt::step);
                        assertTrue(e.getMessage().contains("layer.mlp.bias") && e.getMessage().contains("77"),
                                e.getMessage());
                    }
                    case SKIP -> {
                        opt.step();
                        assertEquals(1, opt.skippedSteps());
                    }
                    case NONE -> opt.step();
                }
                if (policy != NonFinitePolicy.NONE) {
                    assertEquals(1, opt.steps(), kind + " " + policy);
                    for (int i = 0; i < ps.size(); i++) {
                        Compare.exact(kind + " " + policy + " " + ps.get(i).name(), before[i], ps.get(i).data());
                    }
                } else {
                    assertEquals(2, opt.steps());
                }
            }
        }
    }

    @Test
    void badHyperparametersAreNamed() {
        List<Parameter> ps = model(9);
        assertMessage("lr = -1.0", () -> AdamW8bit.builder().lr(-1).build(ps));
        assertMessage("beta1 = 1.0", () -> MicroAdam.builder().betas(1, 0.9).build(ps));
        assertMessage("eps = 1.0E-50", () -> GaLore.builder().eps(1e-50).build(ps));
        assertMessage("weightDecay = NaN", () -> AdamW8bit.builder().weightDecay(Double.NaN).build(ps));
        assertMessage("nonFinite = null", () -> AdamW8bit.builder().nonFinite(null).build(ps));
        assertMessage("density = 0.0", () -> MicroAdam.builder().density(0).build(ps));
        assertMessage("window = 0", () -> MicroAdam.builder().window(0).build(ps));
        assertMessage("rank = 0", () -> GaLore.builder().rank(0).build(ps));
        assertMessage("updateGap = 0", () -> GaLore.builder().updateGap(0).build(ps));
        assertMessage("scale = -1.0", () -> GaLore.builder().scale(-1).build(ps));
        assertMessage("is not a matrix", () -> GaLore.builder().build(List.of(ps.get(1)), List.of()));
        assertMessage("appears twice", () -> AdamW8bit.builder().build(List.of(ps.get(1), ps.get(1))));
        try (AdamW8bit opt = AdamW8bit.builder().build(ps)) {
            assertMessage("lr = 0.0", () -> opt.setLearningRate(0));
        }
        AdamW8bit closed = AdamW8bit.builder().build(ps);
        closed.close();
        assertThrows(IllegalStateException.class, closed::step);
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), "expected '" + part + "' in: " + x.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void stepAllocatesNothing(Kind kind) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        List<Parameter> ps = new ArrayList<>(model(10));
        ps.add(Parameter.of("big.bias", new float[1 << 16], 1 << 16));   // enough work for every worker
        // just below the 8-bit threshold: float32 moments, with enough vector iterations per step for
        // the JIT to compile that loop within the warm-up (the Vector API allocates until it does)
        ps.add(Parameter.of("mid.bias", new float[4095], 4095));
        fill(ps, 10, 0);
        BaselineOptimizer opt = kind == Kind.GALORE ? GaLore.builder().rank(4).updateGap(1 << 30).build(ps)
                : kind.build.apply(ps);
        try (opt) {
            for (int i = 0; i < 3_000; i++) {   // the JIT settles
                opt.step();
            }
            List<Thread> watched = new ArrayList<>(List.of(Thread.currentThread()));
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("nanoadam-worker-")) {
                    watched.add(t);
                }
            }
            long[] ids = watched.stream().mapToLong(Thread::threadId).toArray();
            long[] before = threads.getThreadAllocatedBytes(ids);
            int steps = 2_000;
            for (int i = 0; i < steps; i++) {
                opt.step();
            }
            long[] after = threads.getThreadAllocatedBytes(ids);
            long allocated = 0;
            for (int i = 0; i < ids.length; i++) {
                allocated += after[i] - before[i];
            }
            // one allocation per step, 16 bytes at least, would show as 32,000 bytes or more
            assertTrue(allocated < 2_048, kind + ": " + allocated + " bytes over " + steps + " steps");
        }
    }
}
