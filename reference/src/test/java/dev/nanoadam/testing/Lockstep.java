package dev.nanoadam.testing;

import dev.nanoadam.Moments;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link Scenario} on two backends side by side and asserts, after every step, that
 * weights, masks, {@code m} and {@code v} are bit-identical.
 */
public final class Lockstep {
    private Lockstep() {
    }

    public static void run(Scenario sc, String oracle, String candidate) {
        List<List<Parameter>> a = sc.parameters();
        List<List<Parameter>> b = sc.parameters();
        List<Parameter> allA = concat(a);
        List<Parameter> allB = concat(b);
        try (NanoAdam x = sc.builder(oracle).build(a.get(0), a.get(1));
             NanoAdam y = sc.builder(candidate).build(b.get(0), b.get(1))) {
            for (int t = 0; t < sc.steps; t++) {
                sc.touchWeights(allA, t);
                sc.touchWeights(allB, t);
                sc.fillGradients(allA, t);
                sc.fillGradients(allB, t);
                x.step();
                y.step();
                String where = sc + " " + oracle + " vs " + candidate + ", after step t=" + t + ", ";
                assertSameState(where, x, y, allA, allB);
            }
        }
    }

    /** Weights, masks and moments of every parameter bit-identical. */
    public static void assertSameState(String where, NanoAdam x, NanoAdam y, List<Parameter> allA,
                                       List<Parameter> allB) {
        for (int i = 0; i < allA.size(); i++) {
            Parameter pa = allA.get(i);
            Parameter pb = allB.get(i);
            Compare.exact(where + pa.name() + " weights", pa.data(), pb.data());
            if (x.sparseParameters().contains(pa)) {
                Compare.exact(where + pa.name() + " mask", x.mask(pa), y.mask(pb));
            }
            Moments ma = x.moments(pa);
            Moments mb = y.moments(pb);
            Compare.exact(where + pa.name() + " m", ma.m(), mb.m());
            Compare.exact(where + pa.name() + " v", ma.v(), mb.v());
        }
        if (x.density() != y.density() || x.steps() != y.steps()) {
            throw new AssertionError(where + "density/steps differ: " + x.density() + "/" + x.steps() + " vs "
                    + y.density() + "/" + y.steps());
        }
    }

    static List<Parameter> concat(List<List<Parameter>> groups) {
        List<Parameter> all = new ArrayList<>(groups.get(0));
        all.addAll(groups.get(1));
        return all;
    }
}
