package dev.nanoadam.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nanoadam.NonFinitePolicy;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' own set-up and validation on small sizes: what JMH would measure is checked to
 * compute the right thing, and the validation itself catches a wrong result.
 */
class BenchSetupTest {

    @Test
    void bandwidthKernelsComputeWhatTheySay() {
        BandwidthBench b = new BandwidthBench();
        b.n = 100_003;
        b.setup();
        float[] a = b.triad();
        assertEquals(100_003, a.length);
        double sum = b.read();
        assertEquals(true, sum > 0);
    }

    @Test
    void optimizerStepSetupValidatesAgainstTheOracle() {
        for (String optimizer : new String[] {"adamw", "nanoadam"}) {
            OptimizerStepBench s = new OptimizerStepBench();
            s.backend = "cpu";
            s.optimizer = optimizer;
            s.density = 0.1;
            s.nonFinite = NonFinitePolicy.ERROR;
            s.n = 50_000;
            s.setup();
            float before = s.step()[123];
            s.step();
            s.tearDown();
            assertEquals(false, Float.isNaN(before));
        }
        assertThrows(IllegalArgumentException.class,
                () -> Fixtures.validate("sgd", "cpu", 0.1, NonFinitePolicy.ERROR));
    }

    @Test
    void maskRefreshSetupValidatesAgainstTheOracle() {
        MaskRefreshBench m = new MaskRefreshBench();
        m.backend = "cpu";
        m.chunk = 4096;
        m.density = 0.1;
        m.n = 100_000;
        m.setup();
        m.refresh();
        m.tearDown();
    }
}
