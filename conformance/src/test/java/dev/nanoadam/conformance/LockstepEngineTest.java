package dev.nanoadam.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.testing.TinyMlp;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The engine itself, on a small real model: it passes runs that agree, and for each planted fault
 * (in a backend's weights, moments or mask; in a model's arithmetic; in its initialisation; state a
 * checkpoint does not hold) it stops at the right step and names the pair, the model, the tensor,
 * the quantity, the first index, the count and both values' bits.
 */
class LockstepEngineTest {

    private static Configuration config(String model, int steps, Groups groups, Handover handover, int at) {
        return new Configuration(model, 11, steps, Criterion.SMALLEST_MAGNITUDE, MomentPolicy.CARRY, StateType.FP32,
                0.1, 0.1, 0, 2, 64, groups, 1e-2, 0.0, handover, at);
    }

    @Test
    void identicalBackendsAgreeAfterEveryStep() {
        Workload w = TestWorkloads.mlpImages();
        Outcome o = Lockstep.check(w, config("mlp", 5, Groups.DEFAULT, Handover.NONE, 0), "cpu-scalar", "cpu-scalar");
        assertTrue(o.agreed(), o::report);
        assertEquals(5, o.stepsAgreed());
        assertEquals("agree", o.result());
    }

    @Test
    void aFlippedWeightBitIsReportedWhereItHappened() {
        Workload w = TestWorkloads.mlpImages();
        FaultyBackend.step = 3;
        FaultyBackend.index = 5;
        // MODEL groups: DENSE parameter 0 is layer1.bias.
        Outcome o = Lockstep.check(w, config("mlp", 6, Groups.MODEL, Handover.NONE, 0), "cpu-scalar", "faulty-weights");
        Mismatch m = o.mismatch();
        assertNotNull(m, o::report);
        assertEquals(3, o.stepsAgreed());
        assertEquals("cpu-scalar", m.oracle());
        assertEquals("faulty-weights", m.candidate());
        assertEquals("mlp", m.model());
        assertEquals("layer1.bias", m.tensor());
        assertEquals("weights", m.quantity());
        assertEquals(3, m.step());
        assertEquals("after step 3", m.where());
        assertEquals(5, m.firstIndex());
        assertEquals(1, m.count());
        assertEquals(12, m.oracleLength());
        int bitsA = hexBits(m.oracleValue());
        int bitsB = hexBits(m.candidateValue());
        assertEquals(1, bitsA ^ bitsB, "the values shown differ in exactly the flipped bit: " + m.message());
        String text = m.message();
        for (String part : new String[] {"cpu-scalar vs faulty-weights", "on mlp", "'layer1.bias' weights", "after step 3",
                                          "1 of 12 differ", "first at index 5", "(0x", "optimizer steps of cpu-scalar and faulty-weights differ"}) {
            assertTrue(text.contains(part), "message lacks '" + part + "': " + text);
        }
        assertTrue(o.report().contains("Configuration[model=mlp, seed=11"), o.report());
    }

    @Test
    void aWrongMomentIsReportedAsM() {
        Workload w = TestWorkloads.mlpImages();
        FaultyBackend.step = 2;
        FaultyBackend.index = 7;
        Outcome o = Lockstep.check(w, config("mlp", 5, Groups.MODEL, Handover.NONE, 0), "cpu-scalar", "faulty-m");
        Mismatch m = o.mismatch();
        assertNotNull(m, o::report);
        assertEquals("layer1.weight", m.tensor());
        assertEquals("m", m.quantity());
        assertEquals(2, m.step());
        assertEquals(7, m.firstIndex());
        assertEquals(1, m.count());
        assertEquals(1, hexBits(m.oracleValue()) ^ hexBits(m.candidateValue()), m.message());
    }

    @Test
    void aWrongMaskEntryIsReportedAsMask() {
        Workload w = TestWorkloads.mlpImages();
        FaultyBackend.step = 1;
        FaultyBackend.index = 4;
        Outcome o = Lockstep.check(w, config("mlp", 4, Groups.MODEL, Handover.NONE, 0), "cpu-scalar", "faulty-mask");
        Mismatch m = o.mismatch();
        assertNotNull(m, o::report);
        assertEquals("layer1.weight", m.tensor());
        assertEquals("mask", m.quantity());
        assertEquals(1, m.step());
        assertEquals(4, m.firstIndex());
        assertEquals(1, m.count());
        int oracleFlat = Integer.parseInt(m.oracleValue().replace("flat index ", ""));
        int candidateFlat = Integer.parseInt(m.candidateValue().replace("flat index ", ""));
        assertEquals(oracleFlat + 1, candidateFlat, m.message());
    }

    @Test
    void aHandoverRunsTheCandidateOnlyAfterTheCheckpoint() {
        Workload w = TestWorkloads.mlpImages();
        FaultyBackend.index = 0;
        // The candidate starts after the handover at step 3; its own second update is step 4.
        FaultyBackend.step = 1;
        Outcome late = Lockstep.check(w, config("mlp", 6, Groups.MODEL, Handover.ORACLE_TO_CANDIDATE, 3),
                "cpu-scalar", "faulty-weights");
        Mismatch m = late.mismatch();
        assertNotNull(m, late::report);
        assertEquals(4, m.step(), m.message());
        assertEquals("faulty-weights (resumed from cpu-scalar at step 3)", m.candidate());
        // The candidate runs only until the handover at step 2; its fault at step 4 never happens.
        FaultyBackend.step = 4;
        Outcome early = Lockstep.check(w, config("mlp", 6, Groups.MODEL, Handover.CANDIDATE_TO_ORACLE, 2),
                "cpu-scalar", "faulty-weights");
        assertTrue(early.agreed(), early::report);
        assertEquals(6, early.stepsAgreed());
        // ... and a fault before the handover still shows.
        FaultyBackend.step = 1;
        Outcome before = Lockstep.check(w, config("mlp", 6, Groups.MODEL, Handover.CANDIDATE_TO_ORACLE, 2),
                "cpu-scalar", "faulty-weights");
        assertNotNull(before.mismatch(), before::report);
        assertEquals(1, before.mismatch().step());
    }

    @Test
    void aModelWhoseArithmeticRacesIsBlamedNotTheBackend() {
        Workload base = TestWorkloads.mlpImages();
        Workload w = Workload.of("racy-mlp", seed -> new QuirkyModel((TinyMlp) base.newModel(seed), QuirkyModel.Quirk.RACE),
                base.data(), base.batchSize());
        Outcome o = Lockstep.check(w, config("racy-mlp", 4, Groups.DEFAULT, Handover.NONE, 0), "cpu-scalar", "cpu-scalar");
        Mismatch m = o.mismatch();
        assertNotNull(m, o::report);
        assertEquals(0, m.step());
        assertEquals("gradient", m.quantity());
        assertEquals("layer1.bias", m.tensor());
        assertEquals(0, m.firstIndex());
        assertTrue(m.message().contains("the model's forward or backward pass is not a function of its weights"), m.message());
    }

    @Test
    void stateThatNoCheckpointHoldsShowsAfterTheResume() {
        Workload base = TestWorkloads.mlpImages();
        Workload w = Workload.of("stateful-mlp",
                seed -> new QuirkyModel((TinyMlp) base.newModel(seed), QuirkyModel.Quirk.HIDDEN_STATE),
                base.data(), base.batchSize());
        Outcome uninterrupted = Lockstep.check(w, config("stateful-mlp", 6, Groups.DEFAULT, Handover.NONE, 0),
                "cpu-scalar", "cpu-scalar");
        assertTrue(uninterrupted.agreed(), uninterrupted::report);
        Outcome resumed = Lockstep.check(w, config("stateful-mlp", 6, Groups.DEFAULT, Handover.ORACLE_TO_CANDIDATE, 2),
                "cpu-scalar", "cpu-scalar");
        Mismatch m = resumed.mismatch();
        assertNotNull(m, resumed::report);
        assertEquals(3, m.step(), m.message());
        assertEquals("gradient", m.quantity());
    }

    @Test
    void aModelThatInitialisesDifferentlyFromOneSeedFailsBeforeTheFirstStep() {
        Workload base = TestWorkloads.mlpImages();
        AtomicLong builds = new AtomicLong();
        Workload w = Workload.of("drifting-init", seed -> (Classifier) TinyMlp.images(28 * 28, 12, 10,
                seed + builds.getAndIncrement()), base.data(), base.batchSize());
        Outcome o = Lockstep.check(w, config("drifting-init", 3, Groups.DEFAULT, Handover.NONE, 0), "cpu-scalar", "cpu");
        Mismatch m = o.mismatch();
        assertNotNull(m, o::report);
        assertEquals(-1, m.step());
        assertEquals("at initialisation", m.where());
        assertEquals("weights", m.quantity());
        assertEquals("layer1.weight", m.tensor());
        assertTrue(m.message().contains("initialisation is not deterministic"), m.message());
        assertEquals(0, o.stepsAgreed());
    }

    @Test
    void aBackendThatCannotBeOpenedIsAnErrorNamingIt() {
        Workload w = TestWorkloads.mlpImages();
        Outcome o = Lockstep.check(w, config("mlp", 3, Groups.DEFAULT, Handover.NONE, 0), "cpu-scalar", "no-such-backend");
        assertNull(o.mismatch());
        assertNotNull(o.error());
        assertTrue(o.result().startsWith("ERROR after 0 steps: "), o.result());
        assertTrue(o.error().getMessage().contains("no-such-backend"), o.error().getMessage());
        AssertionError e = assertThrows(AssertionError.class, () -> Lockstep.assertAgree(w,
                config("mlp", 3, Groups.DEFAULT, Handover.NONE, 0), "cpu-scalar", "no-such-backend"));
        assertTrue(e.getMessage().contains("cpu-scalar vs no-such-backend"), e.getMessage());
    }

    @Test
    void aConfigurationForAnotherModelIsRefused() {
        Workload w = TestWorkloads.mlpImages();
        assertThrows(IllegalArgumentException.class,
                () -> Lockstep.check(w, config("resnet", 3, Groups.DEFAULT, Handover.NONE, 0), "cpu-scalar", "cpu"));
    }

    private static int hexBits(String shown) {
        int at = shown.indexOf("(0x");
        return Integer.parseUnsignedInt(shown.substring(at + 3, at + 11), 16);
    }
}
