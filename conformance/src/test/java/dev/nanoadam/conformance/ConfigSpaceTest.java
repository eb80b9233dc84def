package dev.nanoadam.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.models.Classifier;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The covering list covers what it promises, on the optimizers really built; configurations validate. */
class ConfigSpaceTest {

    @Test
    void theCoveringListCoversEverySettingOnEveryModel() {
        for (Workload w : SuiteWorkloads.all()) {
            List<Configuration> list = ConfigSpace.covering(w.name(), ConfigSpace.chunkSizes(w), 1, Budget.SUITE_COVERING_STEPS);
            Set<String> triples = new HashSet<>();
            Set<Groups> groups = EnumSet.noneOf(Groups.class);
            Set<Handover> handovers = EnumSet.noneOf(Handover.class);
            Set<String> seen = new HashSet<>();
            for (Configuration c : list) {
                triples.add(c.criterion() + "/" + c.momentPolicy() + "/" + c.stateType());
                groups.add(c.groups());
                handovers.add(c.handover());
                seen.add(c.scheduled() ? "schedule on" : "schedule off");
                seen.add(c.maskInterval() == 1 ? "mask interval 1" : "mask interval >1");
                seen.add(dividesEverySparseTensor(w, c) ? "dividing chunk" : "partial chunk");
                assertEquals(w.name(), c.model());
                assertEquals(Budget.SUITE_COVERING_STEPS, c.steps());
            }
            assertEquals(Criterion.values().length * MomentPolicy.values().length * StateType.values().length,
                    triples.size(), w.name() + ": every criterion, policy and state type once: " + triples);
            assertEquals(EnumSet.allOf(Groups.class), groups, w.name());
            assertEquals(EnumSet.allOf(Handover.class), handovers, w.name());
            assertEquals(Set.of("schedule on", "schedule off", "mask interval 1", "mask interval >1", "dividing chunk",
                    "partial chunk"), seen, w.name());
        }
    }

    /** Whether the chunk divides every SPARSE tensor of the optimizer the configuration really builds. */
    private static boolean dividesEverySparseTensor(Workload w, Configuration c) {
        Classifier model = w.newModel(c.seed());
        NanoAdam.Builder b = c.optimizer("cpu-scalar");
        try (NanoAdam opt = switch (c.groups()) {
            case DEFAULT -> b.build(model.parameters());
            case MODEL -> b.build(model.sparseParameters(), model.denseParameters());
            case ALL_SPARSE -> b.build(model.parameters(), List.of());
        }) {
            return ConfigSpace.dividesAll(c.chunkSize(), opt.sparseParameters());
        }
    }

    @Test
    void chunkSizesDivideTheModelsSparseTensorsOrLeaveAPartialChunk() {
        for (Workload w : SuiteWorkloads.all()) {
            ConfigSpace.ChunkSizes chunks = ConfigSpace.chunkSizes(w);
            List<Parameter> sparse = w.newModel(0).sparseParameters();
            int largest = 0;
            for (Parameter p : sparse) {
                largest = Math.max(largest, p.size());
            }
            for (int c : chunks.dividing()) {
                assertTrue(c >= 2 && ConfigSpace.dividesAll(c, sparse), w.name() + ": chunk " + c);
            }
            for (int c : chunks.partial()) {
                assertTrue(largest % c != 0, w.name() + ": chunk " + c + " leaves no partial chunk in " + largest);
            }
        }
        ConfigSpace.ChunkSizes odd = ConfigSpace.chunkSizes("odd", new int[] {96, 4096});
        assertEquals(List.of(32, 16, 8, 4), box(odd.dividing()));
        assertEquals(List.of(7, 100, 1000, 4097, 65536), box(odd.partial()));
        assertThrows(IllegalArgumentException.class, () -> ConfigSpace.chunkSizes("all-odd", new int[] {9, 15}));
    }

    @Test
    void randomConfigurationsAreReproducibleFromTheirSeed() {
        ConfigSpace.ChunkSizes chunks = ConfigSpace.chunkSizes("m", new int[] {64, 1024});
        for (long seed = 0; seed < 50; seed++) {
            Configuration a = ConfigSpace.random("m", chunks, new SplittableRandom(seed), 7);
            Configuration b = ConfigSpace.random("m", chunks, new SplittableRandom(seed), 7);
            assertEquals(a, b, "seed " + seed);
            assertTrue(a.steps() >= 2 && a.steps() <= 7, "seed " + seed + ": " + a);
            assertTrue(a.handover() == Handover.NONE || a.handoverStep() >= 1 && a.handoverStep() < a.steps(),
                    "seed " + seed + ": " + a);
        }
    }

    @Test
    void configurationsRefuseInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> config(0, 0.1, 0.1, 0, Handover.NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> config(4, 0.1, 0.5, 0, Handover.NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> config(4, 0.1, 0.1, -1, Handover.NONE, 0));
        assertThrows(IllegalArgumentException.class, () -> config(4, 0.1, 0.1, 0, Handover.NONE, 2));
        assertThrows(IllegalArgumentException.class, () -> config(4, 0.1, 0.1, 0, Handover.ORACLE_TO_CANDIDATE, 4));
        assertThrows(IllegalArgumentException.class, () -> config(4, 0.1, 0.1, 0, Handover.CANDIDATE_TO_ORACLE, 0));
        Configuration c = config(4, 0.1, 0.5, 2, Handover.CANDIDATE_TO_ORACLE, 3);
        assertEquals(Handover.NONE, c.withSteps(3).handover());
        assertEquals(Handover.CANDIDATE_TO_ORACLE, c.withSteps(4).handover());
        assertEquals("mlp smallest/carry/bf16 k=0.1->0.5/d2 m=3 C=100 default resume@3->oracle seed=5", c.summary());
        // A handover asked of a one-step run is dropped, one beyond the end moved to the last step.
        Configuration one = ConfigSpace.configuration("mlp", 1, 1, Criterion.RANDOM, MomentPolicy.RESET, StateType.FP32,
                0.1, false, 0.9, 2, 1, 16, Groups.MODEL, 1e-3, 0, Handover.ORACLE_TO_CANDIDATE, 5);
        assertEquals(Handover.NONE, one.handover());
        assertEquals(0.1, one.finalDensity());
        assertFalse(one.scheduled());
        Configuration late = ConfigSpace.configuration("mlp", 1, 4, Criterion.RANDOM, MomentPolicy.RESET, StateType.FP32,
                0.1, true, 0.9, 2, 1, 16, Groups.MODEL, 1e-3, 0, Handover.ORACLE_TO_CANDIDATE, 5);
        assertEquals(3, late.handoverStep());
        assertEquals(0.9, late.finalDensity());
    }

    private static Configuration config(int steps, double k0, double k1, int d, Handover h, int at) {
        return new Configuration("mlp", 5, steps, Criterion.SMALLEST_MAGNITUDE, MomentPolicy.CARRY, StateType.BF16, k0, k1,
                d, 3, 100, Groups.DEFAULT, 1e-3, 0.0, h, at);
    }

    private static List<Integer> box(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
