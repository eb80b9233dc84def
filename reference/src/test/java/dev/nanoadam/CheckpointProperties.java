package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Lockstep;
import dev.nanoadam.testing.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** SPEC.md §8: save, load, continue bit-identically; damaged files refused, nothing changed. */
class CheckpointProperties {

    @Property(tries = 100, seed = "808")
    void resumeIsBitIdentical(@ForAll Criterion criterion, @ForAll MomentPolicy policy, @ForAll StateType stateType,
                              @ForAll @LongRange(min = 1) long seed) throws IOException {
        Scenario sc = new Scenario(seed, criterion, policy, stateType, 6000);
        SplittableRandom r = new SplittableRandom(seed);
        int stopAt = r.nextInt(sc.steps + 1);
        String first = r.nextBoolean() ? "cpu" : "cpu-scalar";
        String second = r.nextBoolean() ? "cpu" : "cpu-scalar";
        Path dir = Files.createTempDirectory("nanoadam-ckpt");
        Path file = dir.resolve("opt.ckpt");
        try {
            List<List<Parameter>> a = sc.parameters();
            List<List<Parameter>> b = sc.parameters();
            List<Parameter> allA = all(a);
            List<Parameter> allB = all(b);
            try (NanoAdam straight = sc.builder("cpu-scalar").build(a.get(0), a.get(1))) {
                NanoAdam interrupted = sc.builder(first).build(b.get(0), b.get(1));
                for (int t = 0; t < sc.steps; t++) {
                    if (t == stopAt) {
                        interrupted.save(file);
                        interrupted.close();
                        // a fresh optimizer, built with other hyperparameters: load must restore them
                        interrupted = NanoAdam.builder().backend(second).lr(0.5).density(0.9).chunkSize(3)
                                .build(b.get(0), b.get(1));
                        interrupted.load(file);
                        assertEquals(second, interrupted.backendName(), "loading never changes the backend");
                    }
                    sc.fillGradients(allA, t);
                    sc.fillGradients(allB, t);
                    straight.step();
                    interrupted.step();
                    Lockstep.assertSameState(sc + " stop at " + stopAt + " " + first + "->" + second + " t=" + t + ": ",
                            straight, interrupted, allA, allB);
                }
                interrupted.close();
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static List<Parameter> all(List<List<Parameter>> groups) {
        List<Parameter> all = new ArrayList<>(groups.get(0));
        all.addAll(groups.get(1));
        return all;
    }

    /** Every truncation and every single-byte corruption is refused, and the optimizer is unchanged. */
    @Test
    void damagedFilesAreRefusedAndChangeNothing() throws IOException {
        Scenario sc = new Scenario(77, Criterion.SMALLEST_MAGNITUDE, MomentPolicy.CARRY, StateType.BF16, 40);
        List<List<Parameter>> g = sc.parameters();
        List<Parameter> params = all(g);
        Path dir = Files.createTempDirectory("nanoadam-ckpt");
        try (NanoAdam opt = sc.builder("cpu").build(g.get(0), g.get(1))) {
            for (int t = 0; t < 3; t++) {
                sc.fillGradients(params, t);
                opt.step();
            }
            Path good = dir.resolve("good.ckpt");
            opt.save(good);
            byte[] bytes = Files.readAllBytes(good);
            // Move on so that the state differs from the file's.
            sc.fillGradients(params, 3);
            opt.step();
            opt.setLearningRate(0.0123);
            State before = State.of(opt, params);
            Path bad = dir.resolve("bad.ckpt");
            for (int length = 0; length < bytes.length; length++) {
                Files.write(bad, java.util.Arrays.copyOf(bytes, length));
                CheckpointException e = assertThrows(CheckpointException.class, () -> opt.load(bad),
                        "truncated to " + length + " of " + bytes.length);
                assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
                before.assertUnchanged("after truncation to " + length, opt, params);
            }
            SplittableRandom r = new SplittableRandom(5);
            for (int i = 0; i < bytes.length; i++) {
                byte[] damaged = bytes.clone();
                damaged[i] ^= (byte) (1 + r.nextInt(255));
                Files.write(bad, damaged);
                int at = i;
                assertThrows(CheckpointException.class, () -> opt.load(bad), "byte " + at + " corrupted");
                before.assertUnchanged("after corrupting byte " + i, opt, params);
            }
            opt.load(good);
            assertEquals(3, opt.steps());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void mismatchedParametersAreNamed() throws IOException {
        Path dir = Files.createTempDirectory("nanoadam-ckpt");
        Path file = dir.resolve("x.ckpt");
        try {
            Parameter a = Parameter.of("a", new float[10], 10);
            try (NanoAdam opt = NanoAdam.builder().build(List.of(a), List.of())) {
                opt.save(file);
            }
            Parameter b = Parameter.of("b", new float[10], 10);
            try (NanoAdam opt = NanoAdam.builder().build(List.of(b), List.of())) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> opt.load(file));
                assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("'b'"), e.getMessage());
            }
            Parameter c = Parameter.of("a", new float[12], 3, 4);
            try (NanoAdam opt = NanoAdam.builder().build(List.of(c), List.of())) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> opt.load(file));
                assertTrue(e.getMessage().contains("[10]") && e.getMessage().contains("[3, 4]"), e.getMessage());
            }
            try (AdamW opt = AdamW.builder().build(List.of(Parameter.of("a", new float[10], 10)))) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> opt.load(file));
                assertTrue(e.getMessage().contains("AdamW"), e.getMessage());
            }
            assertThrows(CheckpointException.class, () -> {
                try (NanoAdam opt = NanoAdam.builder().build(List.of(Parameter.of("a", new float[10], 10)),
                        List.of())) {
                    opt.load(dir.resolve("missing.ckpt"));
                }
            });
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** Everything observable about an optimizer and its parameters. */
    record State(List<float[]> weights, List<int[]> masks, List<float[]> m, List<float[]> v, long steps,
                 double lr, double density, long stateBytes) {
        static State of(NanoAdam opt, List<Parameter> params) {
            List<float[]> w = new ArrayList<>();
            List<int[]> masks = new ArrayList<>();
            List<float[]> m = new ArrayList<>();
            List<float[]> v = new ArrayList<>();
            for (Parameter p : params) {
                w.add(p.data().clone());
                masks.add(opt.sparseParameters().contains(p) ? opt.mask(p) : new int[0]);
                m.add(opt.moments(p).m());
                v.add(opt.moments(p).v());
            }
            return new State(w, masks, m, v, opt.steps(), opt.learningRate(), opt.density(), opt.stateBytes());
        }

        void assertUnchanged(String where, NanoAdam opt, List<Parameter> params) {
            State now = of(opt, params);
            for (int i = 0; i < params.size(); i++) {
                Compare.exact(where + " weights", weights.get(i), now.weights.get(i));
                Compare.exact(where + " mask", masks.get(i), now.masks.get(i));
                Compare.exact(where + " m", m.get(i), now.m.get(i));
                Compare.exact(where + " v", v.get(i), now.v.get(i));
            }
            assertEquals(steps, now.steps, where);
            assertEquals(lr, now.lr, where);
            assertEquals(density, now.density, where);
            assertEquals(stateBytes, now.stateBytes, where);
        }
    }
}
