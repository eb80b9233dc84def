package dev.nanoadam.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Parameter;
import dev.nanoadam.testing.Gen;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The traffic rule of SPEC.md §1/§10, counted exactly. Per step: SPARSE moves K gradients and K
 * weights in and K weights out; DENSE n of each; a check adds a 4-byte answer out. At a refresh the
 * selection moves in what its criterion reads (n weights; n gradients for LARGEST_GRADIENT;
 * nothing for RANDOM) and the 2K-byte mask out. Nothing else moves.
 */
class TransferCountTest {

    @BeforeAll
    static void device() {
        OpenClTesting.assumeDevice();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({
        "SMALLEST_MAGNITUDE, ERROR", "SMALLEST_MAGNITUDE, NONE", "LARGEST_MAGNITUDE, SKIP",
        "RANDOM, ERROR", "LARGEST_GRADIENT, ERROR", "LARGEST_GRADIENT, NONE"
    })
    void bytesFollowTheRule(Criterion criterion, NonFinitePolicy policy) {
        SplittableRandom r = new SplittableRandom(7);
        int[] sparseSizes = {100_000, 4097, 0};
        int[] denseSizes = {300, 1};
        List<Parameter> sparse = new java.util.ArrayList<>();
        for (int i = 0; i < sparseSizes.length; i++) {
            sparse.add(Parameter.of("w" + i, Gen.weights(r, sparseSizes[i], 0.02f, 0.1), sparseSizes[i]));
        }
        List<Parameter> dense = new java.util.ArrayList<>();
        for (int i = 0; i < denseSizes.length; i++) {
            dense.add(Parameter.of("norm" + i, Gen.weights(r, denseSizes[i], 1f, 0.1), denseSizes[i]));
        }
        int interval = 3;
        try (NanoAdam opt = NanoAdam.builder().backend("opencl").criterion(criterion).nonFinite(policy)
                .momentPolicy(MomentPolicy.CARRY).chunkSize(1000).density(0.02).maskInterval(interval)
                .build(sparse, dense)) {
            for (int t = 0; t < 7; t++) {
                for (Parameter p : sparse) {
                    System.arraycopy(Gen.gradients(r, p.size(), 0.01f, 0.1), 0, p.grad(), 0, p.size());
                }
                for (Parameter p : dense) {
                    System.arraycopy(Gen.gradients(r, p.size(), 0.01f, 0.1), 0, p.grad(), 0, p.size());
                }
                Map<String, Long> before = opt.backendCounters();
                opt.step();
                Map<String, Long> after = opt.backendCounters();
                boolean refresh = t % interval == 0;
                boolean checked = policy != NonFinitePolicy.NONE;
                long in = 0;
                long out = 0;
                for (Parameter p : sparse) {
                    long n = p.size();
                    long k = opt.mask(p).length;     // the host mirror: reading it moves nothing
                    if (refresh) {
                        in += criterion == Criterion.RANDOM ? 0 : 4 * n;
                        out += 2 * k;
                    }
                    in += 8 * k;                    // K gradients (once, even when checked) and K weights
                    out += 4 * k;                   // K updated weights
                    out += checked && k > 0 ? 4 : 0;
                }
                for (Parameter p : dense) {
                    long n = p.size();
                    in += 8 * n;
                    out += 4 * n + (checked ? 4 : 0);
                }
                String where = criterion + ", " + policy + ", step " + t + (refresh ? " (refresh)" : "");
                assertEquals(in, after.get("bytesToDevice") - before.get("bytesToDevice"), where + ": bytes to device");
                assertEquals(out, after.get("bytesFromDevice") - before.get("bytesFromDevice"),
                        where + ": bytes from device");
                if (!refresh) {
                    assertEquals(before.get("deviceBuffers"), after.get("deviceBuffers"),
                            where + ": device buffers held (a step between refreshes allocates none)");
                }
                assertEquals(opt.stateBytes(), opt.allocatedStateBytes(), where + ": SPEC.md §9 state bytes");
            }
        }
    }
}
