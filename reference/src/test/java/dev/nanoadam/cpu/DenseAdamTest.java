package dev.nanoadam.cpu;

import dev.nanoadam.spi.StepConstants;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link DenseAdam} at this JVM's vector width equals its scalar loop bit for bit; the module's
 * surefire executions run it once per width (64, 128, 256, 512, scalar: STYLE.md rule 2).
 */
class DenseAdamTest {
    @Property(tries = 60, seed = "6001")
    void everyWidthEqualsTheScalarLoop(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = Gen.awkwardLength(r, 5000);
        int from = r.nextInt(n);
        float[] w = Gen.weights(r, n, 0.1f, 0.1);
        float[] g = Gen.gradients(r, n, 0.01f, 0.1);
        float[] m = Gen.gradients(r, n, 0.01f, 0.1);
        float[] v = Gen.weights(r, n, 1e-4f, 0.1);
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(v[i]);
        }
        StepConstants k = new StepConstants();
        k.compute(r.nextBoolean() ? 1e-3 : 0.1, 0.9, 0.999, 1e-8, r.nextBoolean() ? 0 : 0.01, 1 + r.nextInt(50));
        float[] ew = w.clone();
        float[] em = m.clone();
        float[] ev = v.clone();
        DenseAdam.scalar(ew, g, em, ev, from, n, k);
        float[] aw = w.clone();
        float[] am = m.clone();
        float[] av = v.clone();
        DenseAdam.update(aw, g, am, av, from, n, k);
        String what = "seed " + seed + " " + (VectorBackend.SCALAR ? "scalar" : VectorBackend.F.vectorBitSize() + "-bit")
                + " n=" + n + " from=" + from + " ";
        Compare.exact(what + "w", ew, aw);
        Compare.exact(what + "m", em, am);
        Compare.exact(what + "v", ev, av);
    }
}
