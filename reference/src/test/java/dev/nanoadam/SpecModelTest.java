package dev.nanoadam;

import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * A second, independent transcription of SPEC.md (§3-§6) written directly from its text inside
 * this test, run against both CPU backends from non-trivial state (many steps, t > 1, non-zero
 * moments, refreshes under RESET and CARRY, a density schedule). The backends must match it bit
 * for bit, which checks the oracle itself against the specification.
 */
class SpecModelTest {

    /** The whole of NanoAdam for one SPARSE and one DENSE parameter, as SPEC.md words it. */
    static final class Model {
        final double lr = 3e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd;
        final double k0, kEnd;
        final int m, d, chunk;
        final long total;
        final MomentPolicy policy;
        final float[] w, dw;
        int[] mask = new int[0];        // flat indices, ascending
        float[] ms = new float[0], vs = new float[0];
        final float[] md, vd;
        long t;
        double k;
        long tRefresh;

        Model(float[] w, float[] dw, double k0, double kEnd, int m, int d, long total, int chunk, double wd,
              MomentPolicy policy) {
            this.w = w;
            this.dw = dw;
            this.k0 = k0;
            this.kEnd = kEnd;
            this.k = k0;
            this.m = m;
            this.d = d;
            this.total = total;
            this.chunk = chunk;
            this.wd = wd;
            this.policy = policy;
            this.md = new float[dw.length];
            this.vd = new float[dw.length];
        }

        void step(float[] g, float[] gd) {
            double kNew = k;
            if (d > 0 && t % d == 0) {
                kNew = k0 + (kEnd - k0) * Math.min(t, total) / total;
            }
            if (t % m == 0 || kNew != k) {
                int[] next = select(kNew);
                float[] m2 = new float[next.length];
                float[] v2 = new float[next.length];
                if (policy == MomentPolicy.CARRY) {
                    for (int j = 0; j < next.length; j++) {
                        int old = Arrays.binarySearch(mask, next[j]);
                        if (old >= 0) {
                            m2[j] = ms[old];
                            v2[j] = vs[old];
                        }
                    }
                }
                mask = next;
                ms = m2;
                vs = v2;
                tRefresh = t;
            }
            k = kNew;
            long tau = policy == MomentPolicy.RESET ? t - tRefresh + 1 : t + 1;
            for (int j = 0; j < mask.length; j++) {
                update(w, g, mask[j], ms, vs, j, tau);
            }
            for (int p = 0; p < dw.length; p++) {
                update(dw, gd, p, md, vd, p, t + 1);
            }
            t++;
        }

        int[] select(double kk) {
            int n = w.length;
            int[] out = new int[0];
            for (int lo = 0; lo < n; lo += chunk) {
                int length = Math.min(chunk, n - lo);
                int kc = (int) Math.min(length, Math.max(1, Math.ceil(kk * length - 1e-9)));
                Integer[] order = new Integer[length];
                for (int i = 0; i < length; i++) {
                    order[i] = i;
                }
                final int base = lo;
                Arrays.sort(order, (a, b) -> {
                    int ka = key(w[base + a]);
                    int kb = key(w[base + b]);
                    return ka != kb ? Integer.compare(ka, kb) : Integer.compare(a, b);
                });
                int[] chosen = new int[kc];
                for (int i = 0; i < kc; i++) {
                    chosen[i] = lo + order[i];
                }
                Arrays.sort(chosen);
                int[] grown = Arrays.copyOf(out, out.length + kc);
                System.arraycopy(chosen, 0, grown, out.length, kc);
                out = grown;
            }
            return out;
        }

        static int key(float x) {
            return Float.isNaN(x) ? 0x7FFFFFFF : Float.floatToRawIntBits(x) & 0x7FFFFFFF;
        }

        void update(float[] wt, float[] gr, int p, float[] mm, float[] vv, int j, long tau) {
            float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
            float step = (float) (lr / (1 - StrictMath.pow(beta1, tau)));
            float bc2 = (float) Math.sqrt(1 - StrictMath.pow(beta2, tau));
            float decay = (float) (1 - lr * wd);
            float e = (float) eps;
            float g = gr[p];
            float x = wt[p];
            if (wd > 0) {
                x = x * decay;
            }
            float m1 = b1 * mm[j] + c1 * g;
            float v1 = b2 * vv[j] + c2 * (g * g);
            float dd = (float) Math.sqrt(v1) / bc2 + e;
            wt[p] = x - step * (m1 / dd);
            mm[j] = m1;
            vv[j] = v1;
        }
    }

    @Property(tries = 100, seed = "1106")
    void backendsMatchTheSpecTranscription(@ForAll @LongRange(min = 1) long seed, @ForAll MomentPolicy policy,
                                           @ForAll @IntRange(min = 1, max = 3) int maskInterval) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = Gen.awkwardLength(r, 3000);
        int nd = Gen.awkwardLength(r, 50);
        int chunk = new int[] {1, 3, 64, 100, 4096}[r.nextInt(5)];
        boolean schedule = r.nextBoolean();
        double k0 = 0.05 + 0.9 * r.nextDouble();
        double kEnd = schedule ? 0.05 + 0.9 * r.nextDouble() : k0;
        int steps = 12;
        double wd = r.nextBoolean() ? 0 : 0.05;
        float[] w0 = Gen.weights(r, n, 0.05f, 0.2);
        float[] d0 = Gen.weights(r, nd, 1f, 0.1);
        for (String backend : List.of("cpu-scalar", "cpu")) {
            float[] w = w0.clone();
            float[] dw = d0.clone();
            Model model = new Model(w0.clone(), d0.clone(), k0, kEnd, maskInterval, schedule ? 2 : 0, steps, chunk,
                    wd, policy);
            Parameter ps = Parameter.of("enc.weight", w, n);
            Parameter pd = Parameter.of("enc.LayerNorm.weight", dw, nd);
            NanoAdam.Builder b = NanoAdam.builder().backend(backend).lr(3e-3).density(k0).maskInterval(maskInterval)
                    .chunkSize(chunk).weightDecay(wd).momentPolicy(policy);
            if (schedule) {
                b.finalDensity(kEnd).densityInterval(2).totalSteps(steps);
            }
            try (NanoAdam opt = b.build(List.of(ps), List.of(pd))) {
                SplittableRandom gr = new SplittableRandom(seed + 99);
                for (int t = 0; t < steps; t++) {
                    float[] g = Gen.gradients(gr, n, 0.01f, 0.1);
                    float[] gd = Gen.gradients(gr, nd, 0.01f, 0.1);
                    System.arraycopy(g, 0, ps.grad(), 0, n);
                    System.arraycopy(gd, 0, pd.grad(), 0, nd);
                    model.step(g, gd);
                    opt.step();
                    String where = backend + " seed=" + seed + " n=" + n + " chunk=" + chunk + " t=" + t + ": ";
                    Compare.exact(where + "mask", model.mask, opt.mask(ps));
                    Compare.exact(where + "sparse weights", model.w, w);
                    Compare.exact(where + "sparse m", model.ms, opt.moments(ps).m());
                    Compare.exact(where + "sparse v", model.vs, opt.moments(ps).v());
                    Compare.exact(where + "dense weights", model.dw, dw);
                    Compare.exact(where + "dense m", model.md, opt.moments(pd).m());
                    Compare.exact(where + "dense v", model.vd, opt.moments(pd).v());
                }
            }
        }
    }
}
