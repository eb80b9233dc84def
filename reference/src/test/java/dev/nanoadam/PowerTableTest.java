package dev.nanoadam;

import dev.nanoadam.spi.StepConstants;
import dev.nanoadam.testing.Compare;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table of beta^tau gives exactly the constants StrictMath.pow gives (SPEC.md §6), at any tau. */
class PowerTableTest {
    @Test
    void constantsEqualThoseOfStrictMathPow() {
        SplittableRandom r = new SplittableRandom(3);
        for (double beta : new double[] {0, 0.5, 0.9, 0.95, 0.999, 0.9999}) {
            NanoAdam.Power table = new NanoAdam.Power(beta);
            StepConstants a = new StepConstants();
            StepConstants b = new StepConstants();
            for (int i = 0; i < 3000; i++) {
                long tau = i < 1000 ? i + 1 : 1 + (long) (Math.exp(r.nextDouble() * Math.log(3e6)));
                a.compute(1e-3, beta, beta, 1e-8, 0.01, tau);
                b.compute(1e-3, beta, beta, 1e-8, 0.01, tau, table.of(tau), table.of(tau));
                String where = "beta=" + beta + " tau=" + tau;
                Compare.exact("stepSize " + where, a.stepSize(), b.stepSize());
                Compare.exact("bc2 " + where, a.bc2(), b.bc2());
            }
        }
    }
}
