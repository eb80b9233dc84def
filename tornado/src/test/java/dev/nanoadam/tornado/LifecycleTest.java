package dev.nanoadam.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Parameter;
import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Backends;
import dev.nanoadam.testing.Gen;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;

/** Opening, describing, running long and closing: nothing leaks, close is idempotent. */
class LifecycleTest {

    @BeforeAll
    static void device() {
        TornadoTesting.requireTornado();
    }

    @Test
    void describesTheDeviceThatRuns() {
        try (Backend b = Backends.open("tornado")) {
            assertTrue(b.description().startsWith(((TornadoBackend) b).deviceName() + " "), b.description());
            assertTrue(Backends.available().contains(((TornadoBackend) b).deviceName()), Backends.available().toString());
        }
    }

    @Test
    void closeIsIdempotentAndFreesEveryGraph() {
        Parameter p = Parameter.of("w", Gen.weights(new SplittableRandom(1), 5000, 0.02f, 0.1), 5000);
        Parameter d = Parameter.of("norm", new float[70], 70);
        NanoAdam opt = NanoAdam.builder().backend("tornado").build(List.of(p), List.of(d));
        opt.step();
        assertTrue(opt.backendCounters().get("deviceGraphs") >= 3, "graphs exist while open");
        opt.close();
        opt.close();
        try (Backend b = Backends.open("tornado")) {
            b.close();
            b.close();
            assertEquals(0L, b.counters().get("deviceGraphs"));
            assertThrows(IllegalStateException.class, () -> b.checkDense(0, new float[1]));
        }
    }

    /**
     * 10,000 steps with a refresh every 7 (CARRY, K unchanged, so the graphs stay): the graphs and
     * device bytes held stay exactly constant, TornadoVM's count of plans does not grow, and bytes
     * moved per step stay the same.
     */
    @Test
    void tenThousandStepsLeakNothing() {
        SplittableRandom r = new SplittableRandom(11);
        Parameter p = Parameter.of("w", Gen.weights(r, 3000, 0.02f, 0.1), 3000);
        Parameter d = Parameter.of("norm", Gen.weights(r, 40, 1f, 0.1), 40);
        try (NanoAdam opt = NanoAdam.builder().backend("tornado").momentPolicy(MomentPolicy.CARRY).maskInterval(7)
                .density(0.05).nonFinite(NonFinitePolicy.NONE).build(List.of(p), List.of(d))) {
            float[] g = Gen.gradients(r, 3000, 0.01f, 0.1);
            float[] gd = Gen.gradients(r, 40, 0.01f, 0.1);
            Map<String, Long> early = null;
            long plansEarly = 0;
            long perStepEarly = 0;
            for (int t = 0; t < 10_000; t++) {
                System.arraycopy(g, 0, p.grad(), 0, g.length);
                System.arraycopy(gd, 0, d.grad(), 0, gd.length);
                long before = opt.backendCounters().get("bytesToDevice");
                opt.step();
                long moved = opt.backendCounters().get("bytesToDevice") - before;
                if (t == 100) {
                    early = opt.backendCounters();
                    plansEarly = TornadoExecutionPlan.getTotalPlans();
                    perStepEarly = moved;
                }
                if (t > 100 && t % 7 != 0) {
                    assertEquals(perStepEarly, moved, "bytes to device at step " + t);
                }
            }
            Map<String, Long> late = opt.backendCounters();
            assertEquals(early.get("deviceGraphs"), late.get("deviceGraphs"), "graphs held");
            assertEquals(early.get("deviceBytes"), late.get("deviceBytes"), "device bytes held");
            assertEquals(plansEarly, TornadoExecutionPlan.getTotalPlans(), "TornadoVM execution plans");
        }
    }
}
