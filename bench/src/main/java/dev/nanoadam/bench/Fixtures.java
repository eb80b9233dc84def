package dev.nanoadam.bench;

import dev.nanoadam.AdamW;
import dev.nanoadam.Moments;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import java.util.List;
import java.util.SplittableRandom;

/** Shared set-up of the optimizer benchmarks, and their check against the cpu-scalar oracle. */
final class Fixtures {
    private Fixtures() {
    }

    /** Weights ~ N(0, 0.02^2) and gradients ~ N(0, 0.001^2), seeded. */
    static Parameter parameter(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[n];
        Parameter p = Parameter.of(name, w, n);
        for (int i = 0; i < n; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02);
            p.grad()[i] = (float) (r.nextGaussian() * 0.001);
        }
        return p;
    }

    static Optimizer optimizer(String kind, String backend, double density, NonFinitePolicy policy, Parameter p) {
        return switch (kind) {
            case "adamw" -> AdamW.builder().backend(backend).nonFinite(policy).build(List.of(p));
            case "nanoadam" -> NanoAdam.builder().backend(backend).density(density).nonFinite(policy)
                    .maskInterval(Integer.MAX_VALUE).build(List.of(p), List.of());
            default -> throw new IllegalArgumentException("optimizer: " + kind);
        };
    }

    /**
     * Runs a small copy of the benchmarked configuration for a few steps on {@code backend} and on
     * cpu-scalar and throws unless weights and moments agree bit for bit (STYLE.md rule 9).
     */
    static void validate(String kind, String backend, double density, NonFinitePolicy policy) {
        Parameter a = parameter("w", 70001, 7);
        Parameter b = parameter("w", 70001, 7);
        try (Optimizer x = optimizer(kind, backend, density, policy, a);
             Optimizer y = optimizer(kind, "cpu-scalar", density, policy, b)) {
            for (int t = 0; t < 3; t++) {
                x.step();
                y.step();
            }
            for (int i = 0; i < a.size(); i++) {
                if (Float.floatToRawIntBits(a.data()[i]) != Float.floatToRawIntBits(b.data()[i])) {
                    throw new IllegalStateException(backend + " " + kind + " differs from cpu-scalar at weight " + i);
                }
            }
            Moments mx = x instanceof NanoAdam n ? n.moments(a) : ((AdamW) x).moments(a);
            Moments my = y instanceof NanoAdam n ? n.moments(b) : ((AdamW) y).moments(b);
            if (!java.util.Arrays.equals(mx.m(), my.m()) || !java.util.Arrays.equals(mx.v(), my.v())) {
                throw new IllegalStateException(backend + " " + kind + " moments differ from cpu-scalar");
            }
        }
    }
}
