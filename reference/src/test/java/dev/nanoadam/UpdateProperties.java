package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import dev.nanoadam.testing.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** SPEC.md §6 and §9 properties of the update itself. */
class UpdateProperties {

    /** Everything not in the mask stays bit-identical (§6). */
    @Property(tries = 60, seed = "66")
    void unselectedWeightsAreUntouched(@ForAll Criterion criterion, @ForAll StateType stateType,
                                       @ForAll @LongRange(min = 1) long seed) {
        Scenario sc = new Scenario(seed, criterion, MomentPolicy.RESET, stateType, 12000);
        List<List<Parameter>> groups = sc.parameters();
        List<Parameter> all = new ArrayList<>(groups.get(0));
        all.addAll(groups.get(1));
        try (NanoAdam opt = sc.builder("cpu").build(groups.get(0), groups.get(1))) {
            for (int t = 0; t < sc.steps; t++) {
                sc.fillGradients(all, t);
                List<float[]> before = new ArrayList<>();
                for (Parameter p : groups.get(0)) {
                    before.add(p.data().clone());
                }
                opt.step();
                for (int s = 0; s < groups.get(0).size(); s++) {
                    Parameter p = groups.get(0).get(s);
                    boolean[] selected = new boolean[p.size()];
                    for (int i : opt.mask(p)) {
                        selected[i] = true;
                    }
                    float[] expected = before.get(s).clone();
                    float[] actual = p.data().clone();
                    for (int i = 0; i < p.size(); i++) {
                        if (selected[i]) {
                            expected[i] = actual[i] = 0;
                        }
                    }
                    Compare.exact(sc + " t=" + t + " unselected entries of " + p.name(), expected, actual);
                }
            }
        }
    }

    /** §9: stateBytes() follows the formula and equals what the backend really allocated. */
    @Property(tries = 60, seed = "9")
    void stateBytesFollowSection9(@ForAll StateType stateType, @ForAll MomentPolicy policy,
                                  @ForAll @LongRange(min = 1) long seed) {
        for (String backend : List.of("cpu-scalar", "cpu")) {
            Scenario sc = new Scenario(seed, Criterion.SMALLEST_MAGNITUDE, policy, stateType, 9000);
            List<List<Parameter>> groups = sc.parameters();
            List<Parameter> all = new ArrayList<>(groups.get(0));
            all.addAll(groups.get(1));
            try (NanoAdam opt = sc.builder(backend).build(groups.get(0), groups.get(1))) {
                for (int t = 0; t < sc.steps; t++) {
                    sc.fillGradients(all, t);
                    opt.step();
                    long s = stateType.bytes();
                    long expected = 0;
                    for (Parameter p : groups.get(0)) {
                        expected += (long) opt.mask(p).length * (2 * s + 2);
                        assertEquals(expectedK(p.size(), sc.chunk, opt.density()), opt.mask(p).length,
                                sc + " K of " + p.name());
                    }
                    for (Parameter p : groups.get(1)) {
                        expected += 2L * p.size() * s;
                    }
                    assertEquals(expected, opt.stateBytes(), sc + " stateBytes at t=" + t);
                    assertEquals(expected, opt.allocatedStateBytes(), sc + " allocated at t=" + t);
                }
            }
        }
    }

    private static int expectedK(int n, int chunk, double k) {
        int total = 0;
        for (int lo = 0; lo < n; lo += chunk) {
            total += SpecMath.chunkK(k, Math.min(chunk, n - lo));
        }
        return total;
    }

    /** Density 1 with a mask interval longer than the run is exactly AdamW (§6). */
    @Property(tries = 30, seed = "1")
    void fullDensityIsAdamW(@ForAll StateType stateType, @ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = Gen.awkwardLength(r, 5000);
        float[] w0 = Gen.weights(r, n, 0.1f, 0.1);
        double wd = r.nextBoolean() ? 0 : 0.1;
        for (String backend : List.of("cpu-scalar", "cpu")) {
            Parameter a = Parameter.of("a", w0.clone(), n);
            Parameter b = Parameter.of("b", w0.clone(), n);
            try (NanoAdam nano = NanoAdam.builder().backend(backend).density(1).maskInterval(1000).weightDecay(wd)
                    .stateType(stateType).chunkSize(1 + r.nextInt(5000)).build(List.of(a), List.of());
                 AdamW adamw = AdamW.builder().backend(backend).weightDecay(wd).stateType(stateType)
                         .build(List.of(b))) {
                SplittableRandom gr = new SplittableRandom(seed);
                for (int t = 0; t < 20; t++) {
                    float[] g = Gen.gradients(gr, n, 0.01f, 0.1);
                    System.arraycopy(g, 0, a.grad(), 0, n);
                    System.arraycopy(g, 0, b.grad(), 0, n);
                    nano.step();
                    adamw.step();
                    Compare.exact(backend + " seed=" + seed + " t=" + t + " weights", b.data(), a.data());
                    Compare.exact(backend + " seed=" + seed + " t=" + t + " m", adamw.moments(b).m(), nano.moments(a).m());
                    Compare.exact(backend + " seed=" + seed + " t=" + t + " v", adamw.moments(b).v(), nano.moments(a).v());
                }
            }
        }
    }

    /**
     * AdamW in float32 stays close to a float64 textbook AdamW over 100 steps. Tolerance: each float32
     * operation errs by at most 2^-24 relative; a step's update (about lr = 1e-3 in size) then errs by
     * a few 1e-10, and w itself is rounded each step (|w| <= ~1, 6e-8). Over 100 steps the worst case
     * sums to about 1e-5 absolute; atol = 2e-5 and rtol = 1e-5 leave a factor of two of margin while
     * still catching any wrong formula (a wrong bias correction alone shifts w by ~1e-3).
     */
    @Property(tries = 20, seed = "100")
    void adamWTracksFloat64Textbook(@ForAll @LongRange(min = 1) long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(2000);
        double lr = 1e-3;
        double wd = r.nextBoolean() ? 0 : 0.01;
        float[] w = Gen.weights(r, n, 0.5f, 0.0);
        double[] x = new double[n];
        double[] m = new double[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = w[i];
        }
        Parameter p = Parameter.of("p", w, n);
        try (AdamW opt = AdamW.builder().lr(lr).weightDecay(wd).build(List.of(p))) {
            for (int t = 1; t <= 100; t++) {
                for (int i = 0; i < n; i++) {
                    p.grad()[i] = (float) (Gen.gaussian(r) * 0.1 + 0.01);
                }
                opt.step();
                for (int i = 0; i < n; i++) {
                    double g = p.grad()[i];
                    x[i] *= 1 - lr * wd;
                    m[i] = 0.9 * m[i] + 0.1 * g;
                    v[i] = 0.999 * v[i] + 0.001 * g * g;
                    double mh = m[i] / (1 - Math.pow(0.9, t));
                    double vh = v[i] / (1 - Math.pow(0.999, t));
                    x[i] -= lr * mh / (Math.sqrt(vh) + 1e-8);
                }
            }
        }
        Compare.close("AdamW float32 vs float64 after 100 steps, seed=" + seed, x, w, 2e-5, 1e-5);
    }
}
