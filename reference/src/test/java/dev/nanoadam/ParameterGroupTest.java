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
import org.junit.jupiter.api.Test;

/** Parameter groups: SPEC.md per group, with the group's own constants; checkpoints record the groups. */
class ParameterGroupTest {

    private static Parameter param(String name, int n, long seed) {
        return Parameter.of(name, Gen.weights(new SplittableRandom(seed), n, 0.05f, 0.05), n);
    }

    private static Parameter copy(Parameter p) {
        return Parameter.of(p.name(), p.data().clone(), p.shape());
    }

    private static void gradients(int step, Parameter... ps) {
        for (Parameter p : ps) {
            SplittableRandom r = new SplittableRandom(step * 31L + p.name().hashCode());
            System.arraycopy(Gen.gradients(r, p.size(), 0.01f, 0.02), 0, p.grad(), 0, p.size());
        }
    }

    /** Groups with their own lr, decay, betas and density step exactly as separate optimizers with those values. */
    @Test
    void eachGroupStepsAsItsOwnOptimizerWould() {
        Parameter a = param("backbone.weight", 3000, 1);
        Parameter b = param("other.weight", 1500, 2);
        Parameter n = param("backbone.norm.weight", 64, 3);
        Parameter a2 = copy(a);
        Parameter b2 = copy(b);
        Parameter n2 = copy(n);
        try (NanoAdam grouped = NanoAdam.builder().lr(1e-3).density(0.1).weightDecay(0.01).maskInterval(4)
                .chunkSize(512)
                .group(ParameterGroup.of(List.of(a)).role(Role.SPARSE))
                .group(ParameterGroup.of(List.of(b)).lr(3e-3).density(0.25).betas(0.8, 0.99))
                .group(ParameterGroup.of(List.of(n)).role(Role.DENSE).lr(1e-2).weightDecay(0).eps(1e-6))
                .build();
             NanoAdam first = NanoAdam.builder().lr(1e-3).density(0.1).weightDecay(0.01).maskInterval(4)
                .chunkSize(512).build(List.of(a2), List.of());
             NanoAdam second = NanoAdam.builder().lr(3e-3).density(0.25).betas(0.8, 0.99).weightDecay(0.01)
                .maskInterval(4).chunkSize(512).build(List.of(b2), List.of());
             AdamW third = AdamW.builder().lr(1e-2).weightDecay(0).eps(1e-6).build(List.of(n2))) {
            assertEquals(List.of(a, b, n), grouped.parameters());
            for (int step = 0; step < 10; step++) {
                gradients(step, a, b, n);
                gradients(step, a2, b2, n2);
                grouped.step();
                first.step();
                second.step();
                third.step();
            }
            Compare.exact("group 0 (SPARSE, inherited)", a2.data(), a.data());
            Compare.exact("group 1 (lr, density, betas)", b2.data(), b.data());
            Compare.exact("group 2 (DENSE, lr, no decay, eps)", n2.data(), n.data());
            assertEquals(first.stateBytes() + second.stateBytes() + third.stateBytes(), grouped.stateBytes());
        }
    }

    /** A schedule sets the learning rate; a group with its own rate keeps its ratio to the builder's. */
    @Test
    void setLearningRateKeepsEachGroupsRatio() {
        Parameter w = param("enc.weight", 200, 4);
        Parameter h = param("head.weight", 20, 5);
        Parameter w2 = copy(w);
        Parameter h2 = copy(h);
        try (AdamW grouped = AdamW.builder().lr(1e-3).group(ParameterGroup.of(List.of(w)))
                .group(ParameterGroup.of(List.of(h)).lr(1e-2)).build();
             AdamW body = AdamW.builder().lr(1e-3).build(List.of(w2));
             AdamW head = AdamW.builder().lr(1e-2).build(List.of(h2))) {
            gradients(0, w, h, w2, h2);
            grouped.step();
            body.step();
            head.step();
            grouped.setLearningRate(5e-4);
            body.setLearningRate(5e-4);
            head.setLearningRate(5e-4 * (1e-2 / 1e-3));
            gradients(1, w, h, w2, h2);
            grouped.step();
            body.step();
            head.step();
            Compare.exact("inherited group", w2.data(), w.data());
            Compare.exact("group at 10x", h2.data(), h.data());
            assertEquals(5e-4, grouped.learningRate());
        }
    }

    /** Three groups through one checkpoint stream resume bit for bit; another group layout is refused by group. */
    @Test
    void checkpointsRecordTheGroups() throws IOException {
        Parameter a = param("backbone.weight", 2000, 6);
        Parameter n = param("backbone.norm.weight", 32, 7);
        Parameter h = param("head.weight", 40, 8);
        Parameter a2 = copy(a);
        Parameter n2 = copy(n);
        Parameter h2 = copy(h);
        try (NanoAdam one = threeGroups(a, n, h); NanoAdam two = threeGroups(a2, n2, h2)) {
            for (int step = 0; step < 4; step++) {
                gradients(step, a, n, h);
                one.step();
            }
            one.setLearningRate(2e-3);
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            one.saveTo(saved);
            System.arraycopy(a.data(), 0, a2.data(), 0, a.size());
            System.arraycopy(n.data(), 0, n2.data(), 0, n.size());
            System.arraycopy(h.data(), 0, h2.data(), 0, h.size());
            two.loadFrom(new ByteArrayInputStream(saved.toByteArray()));
            for (int step = 4; step < 9; step++) {
                gradients(step, a, n, h);
                gradients(step, a2, n2, h2);
                one.step();
                two.step();
            }
            Compare.exact("backbone", a.data(), a2.data());
            Compare.exact("norm", n.data(), n2.data());
            Compare.exact("head", h.data(), h2.data());

            try (NanoAdam regrouped = NanoAdam.builder().lr(1e-3).build(List.of(param("backbone.weight", 2000, 6),
                    param("backbone.norm.weight", 32, 7), param("head.weight", 40, 8)))) {
                CheckpointException e = assertThrows(CheckpointException.class,
                        () -> regrouped.loadFrom(new ByteArrayInputStream(saved.toByteArray())));
                assertTrue(e.getMessage().contains("group 1 has 1 DENSE parameters where this optimizer's group 0 has 2"),
                        e.getMessage());
            }
        }
    }

    private static NanoAdam threeGroups(Parameter backbone, Parameter norm, Parameter head) {
        return NanoAdam.builder().lr(1e-3).density(0.1).maskInterval(3).chunkSize(256).weightDecay(0.01)
                .group(ParameterGroup.of(List.of(backbone)).role(Role.SPARSE))
                .group(ParameterGroup.of(List.of(norm)).role(Role.DENSE).weightDecay(0))
                .group(ParameterGroup.of(List.of(head)).role(Role.DENSE).lr(1e-2))
                .build();
    }

    @Test
    void badGroupsAreRefusedByGroup() {
        Parameter w = param("enc.weight", 10, 9);
        List<Parameter> ws = List.of(w);
        assertRefused("group 1: lr = -1.0", () -> NanoAdam.builder().group(ParameterGroup.of(List.of(param("x", 4, 1))))
                .group(ParameterGroup.of(ws).lr(-1)).build());
        assertRefused("group 0: beta2 = 1.0", () -> NanoAdam.builder().group(ParameterGroup.of(ws).betas(0.9, 1)).build());
        assertRefused("group 0: density = 0.0", () -> NanoAdam.builder().group(ParameterGroup.of(ws).density(0)).build());
        assertRefused("group 0: density = 0.5: applies only to SPARSE",
                () -> NanoAdam.builder().group(ParameterGroup.of(ws).role(Role.DENSE).density(0.5)).build());
        assertRefused("group 0: density and role are NanoAdam's",
                () -> AdamW.builder().group(ParameterGroup.of(ws).density(0.5)).build());
        assertRefused("groups: none added", () -> NanoAdam.builder().build());
        assertRefused("groups: 1 added", () -> NanoAdam.builder().group(ParameterGroup.of(ws)).build(ws));
        assertRefused("parameters: name 'enc.weight' appears twice",
                () -> NanoAdam.builder().group(ParameterGroup.of(ws)).group(ParameterGroup.of(ws)).build());
        assertRefused("group: null parameter", () -> ParameterGroup.of(java.util.Arrays.asList(w, null)));
    }

    private static void assertRefused(String start, org.junit.jupiter.api.function.Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(start), "expected '" + start + "...', got: " + e.getMessage());
    }
}
