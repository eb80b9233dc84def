package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parameter groups and schedules of the baseline optimizers (docs/SEMANTICS.md section 1: the
 * constants are per group). Every baseline updates each parameter from its own state and its
 * group's constants alone, so an optimizer with two groups must step exactly as two optimizers,
 * one per group, built with those groups' values.
 */
class BaselineGroupsTest {

    /** A model of three tensors: a projectable matrix, a second matrix and a norm. */
    private record Model(Parameter a, Parameter b, Parameter norm) {
        static Model of(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            return new Model(Parameter.of("layer.attn.q.weight", Gen.weights(r, 72 * 80, 0.05f, 0.0), 72, 80),
                    Parameter.of("layer.ffn.weight", Gen.weights(r, 64 * 90, 0.05f, 0.0), 64, 90),
                    Parameter.of("layer.LayerNorm.weight", Gen.weights(r, 80, 0.05f, 0.0), 80));
        }

        List<Parameter> all() {
            return List.of(a, b, norm);
        }
    }

    /** Builds one optimizer kind from a common builder setting. */
    private interface Kind {
        BaselineOptimizer.CommonBuilder<?> builder();

        Optimizer build(BaselineOptimizer.CommonBuilder<?> builder, List<Parameter> parameters);

        Optimizer buildGroups(BaselineOptimizer.CommonBuilder<?> builder);
    }

    private static Kind kind(String name) {
        return switch (name) {
            case "adamw8bit" -> new Kind() {
                public BaselineOptimizer.CommonBuilder<?> builder() { return AdamW8bit.builder(); }
                public Optimizer build(BaselineOptimizer.CommonBuilder<?> b, List<Parameter> p) {
                    return ((AdamW8bit.Builder) b).build(p);
                }
                public Optimizer buildGroups(BaselineOptimizer.CommonBuilder<?> b) { return ((AdamW8bit.Builder) b).build(); }
            };
            case "galore" -> new Kind() {
                public BaselineOptimizer.CommonBuilder<?> builder() { return GaLore.builder().rank(4).updateGap(3); }
                public Optimizer build(BaselineOptimizer.CommonBuilder<?> b, List<Parameter> p) {
                    return ((GaLore.Builder) b).build(p);
                }
                public Optimizer buildGroups(BaselineOptimizer.CommonBuilder<?> b) { return ((GaLore.Builder) b).build(); }
            };
            default -> new Kind() {
                public BaselineOptimizer.CommonBuilder<?> builder() { return MicroAdam.builder().density(0.05).window(3); }
                public Optimizer build(BaselineOptimizer.CommonBuilder<?> b, List<Parameter> p) {
                    return ((MicroAdam.Builder) b).build(p);
                }
                public Optimizer buildGroups(BaselineOptimizer.CommonBuilder<?> b) { return ((MicroAdam.Builder) b).build(); }
            };
        };
    }

    private static void fill(SplittableRandom r, List<Parameter> ps) {
        for (Parameter p : ps) {
            float[] g = Gen.gradients(r, p.size(), 0.01f, 0.0);
            System.arraycopy(g, 0, p.grad(), 0, g.length);
        }
    }

    private static void copyGrads(List<Parameter> from, List<Parameter> to) {
        for (int i = 0; i < from.size(); i++) {
            System.arraycopy(from.get(i).grad(), 0, to.get(i).grad(), 0, from.get(i).size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw8bit", "galore", "microadam"})
    void twoGroupsStepAsTwoOptimizers(String name) throws IOException {
        Kind kind = kind(name);
        Model grouped = Model.of(11);
        Model alone = Model.of(11);
        // group 0: the two matrices at the builder's values; group 1: the norm at 10x the rate, own betas
        BaselineOptimizer.CommonBuilder<?> gb = kind.builder().lr(1e-3).weightDecay(0.01)
                .group(ParameterGroup.of(List.of(grouped.a(), grouped.b())))
                .group(ParameterGroup.of(List.of(grouped.norm())).lr(1e-2).betas(0.8, 0.99).weightDecay(0));
        SplittableRandom r = new SplittableRandom(5);
        try (Optimizer opt = kind.buildGroups(gb);
             Optimizer first = kind.build(kind.builder().lr(1e-3).weightDecay(0.01), List.of(alone.a(), alone.b()));
             Optimizer second = kind.build(kind.builder().lr(1e-2).betas(0.8, 0.99), List.of(alone.norm()))) {
            for (int t = 0; t < 7; t++) {
                fill(r, grouped.all());
                copyGrads(grouped.all(), alone.all());
                opt.step();
                first.step();
                second.step();
                for (int i = 0; i < 3; i++) {
                    Compare.exact(name + " step " + t + " " + grouped.all().get(i).name(), alone.all().get(i).data(),
                            grouped.all().get(i).data());
                }
            }
            // the rate scales per group: half the builder's rate halves the norm group's own rate
            opt.setLearningRate(5e-4);
            first.setLearningRate(5e-4);
            second.setLearningRate(5e-4 * (1e-2 / 1e-3));   // the documented rule: lr * (group lr / builder lr)
            fill(r, grouped.all());
            copyGrads(grouped.all(), alone.all());
            opt.step();
            first.step();
            second.step();
            for (int i = 0; i < 3; i++) {
                Compare.exact(name + " after setLearningRate " + grouped.all().get(i).name(),
                        alone.all().get(i).data(), grouped.all().get(i).data());
            }
            String described = ((BaselineOptimizer) opt).describe();
            assertTrue(described.contains("layer.LayerNorm.weight") && described.contains("group 1"), described);
            assertEquals(opt.stateBytes(), first.stateBytes() + second.stateBytes(), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw8bit", "galore", "microadam"})
    void groupedCheckpointResumesAndRefusesAnotherLayout(String name) throws IOException {
        Kind kind = kind(name);
        Model m = Model.of(21);
        Model twin = Model.of(21);
        Function<Model, BaselineOptimizer.CommonBuilder<?>> groups = x -> kind.builder()
                .group(ParameterGroup.of(List.of(x.a(), x.b())))
                .group(ParameterGroup.of(List.of(x.norm())).lr(1e-2).weightDecay(0.1));
        SplittableRandom r = new SplittableRandom(9);
        try (Optimizer opt = kind.buildGroups(groups.apply(m))) {
            for (int t = 0; t < 4; t++) {
                fill(r, m.all());
                opt.step();
            }
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            opt.saveTo(saved);
            for (Parameter p : m.all()) {
                System.arraycopy(p.data(), 0, twin.all().get(m.all().indexOf(p)).data(), 0, p.size());
            }
            try (Optimizer resumed = kind.buildGroups(groups.apply(twin))) {
                resumed.loadFrom(new ByteArrayInputStream(saved.toByteArray()));
                for (int t = 0; t < 4; t++) {
                    fill(r, m.all());
                    copyGrads(m.all(), twin.all());
                    opt.step();
                    resumed.step();
                }
                for (int i = 0; i < 3; i++) {
                    Compare.exact(name + " resumed " + m.all().get(i).name(), m.all().get(i).data(),
                            twin.all().get(i).data());
                }
            }
            // the same parameters in one group: refused, naming what differs, nothing changed
            Model other = Model.of(21);
            try (Optimizer oneGroup = kind.build(kind.builder(), other.all())) {
                CheckpointException e = assertThrows(CheckpointException.class,
                        () -> oneGroup.loadFrom(new ByteArrayInputStream(saved.toByteArray())));
                assertTrue(e.getMessage().contains("group"), e.getMessage());
                assertEquals(0, oneGroup.steps());
            }
            // the norm group with another weight decay: refused naming group 1
            Model third = Model.of(21);
            try (Optimizer otherDecay = kind.buildGroups(kind.builder()
                    .group(ParameterGroup.of(List.of(third.a(), third.b())))
                    .group(ParameterGroup.of(List.of(third.norm())).lr(1e-2).weightDecay(0.2)))) {
                CheckpointException e = assertThrows(CheckpointException.class,
                        () -> otherDecay.loadFrom(new ByteArrayInputStream(saved.toByteArray())));
                assertTrue(e.getMessage().contains("group 1"), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw8bit", "galore", "microadam"})
    void badGroupsAreRefusedNamingTheGroup(String name) {
        Kind kind = kind(name);
        Model m = Model.of(3);
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class, () -> kind.buildGroups(
                kind.builder().group(ParameterGroup.of(List.of(m.a()))).group(ParameterGroup.of(List.of(m.b()))
                        .role(Role.DENSE))));
        assertTrue(role.getMessage().startsWith("group 1: role"), role.getMessage());
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class, () -> kind.buildGroups(
                kind.builder().group(ParameterGroup.of(List.of(m.a())).lr(-1))));
        assertTrue(lr.getMessage().startsWith("group 0: lr"), lr.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> kind.buildGroups(
                kind.builder().group(ParameterGroup.of(List.of(m.a()))).group(ParameterGroup.of(List.of(m.a())))));
        assertTrue(twice.getMessage().contains("appears twice") || twice.getMessage().contains("already in group"),
                twice.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> kind.buildGroups(kind.builder()));
        assertTrue(none.getMessage().contains("none added"), none.getMessage());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> kind.build(kind.builder().group(ParameterGroup.of(List.of(m.a()))), m.all()));
        assertTrue(mixed.getMessage().contains("build()"), mixed.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw8bit", "galore", "microadam"})
    void aScheduleSetsTheRateBeforeEachStep(String name) {
        Kind kind = kind(name);
        Model scheduled = Model.of(31);
        Model manual = Model.of(31);
        LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(3, 10, 0.1);
        SplittableRandom r = new SplittableRandom(4);
        try (Optimizer a = kind.build(kind.builder().lr(2e-3).schedule(schedule), scheduled.all());
             Optimizer b = kind.build(kind.builder().lr(2e-3), manual.all())) {
            for (int t = 0; t < 8; t++) {
                fill(r, scheduled.all());
                copyGrads(scheduled.all(), manual.all());
                b.setLearningRate(schedule.learningRate(t, 2e-3));
                a.step();
                b.step();
                assertEquals(b.learningRate(), a.learningRate(), name + " step " + t);
                for (int i = 0; i < 3; i++) {
                    Compare.exact(name + " step " + t, manual.all().get(i).data(), scheduled.all().get(i).data());
                }
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.setLearningRate(1e-3));
            assertTrue(e.getMessage().contains("schedule"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw8bit", "galore", "microadam", "nanoadam", "adamw"})
    void everyOptimizerDescribesEachTensorThroughTheInterface(String name) {
        Model m = Model.of(41);
        try (Optimizer opt = switch (name) {
            case "nanoadam" -> NanoAdam.builder().build(m.all());
            case "adamw" -> AdamW.builder().build(m.all());
            default -> kind(name).build(kind(name).builder(), m.all());
        }) {
            String text = opt.describe();
            assertEquals(1 + m.all().size(), text.lines().count(), text);
            for (Parameter p : m.all()) {
                assertTrue(text.contains(p.name()), name + ": " + text);
            }
        }
    }
}
