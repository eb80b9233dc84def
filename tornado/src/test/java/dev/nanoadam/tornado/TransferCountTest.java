package dev.nanoadam.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.NonFinitePolicy;
import dev.nanoadam.Parameter;
import dev.nanoadam.testing.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * The traffic of a step between refreshes, counted exactly: per SPARSE parameter and execution of
 * its state graph, K gradients, K weights, the K-entry remap map and the control words in; the
 * check's 4-byte answer or the K updated weights out; every TornadoVM array with its header. Per
 * DENSE parameter the same with n. Nothing scales with n for a SPARSE parameter, no graph is built
 * between refreshes, and SPEC.md §9's state bytes are what is allocated.
 */
class TransferCountTest {
    private static final long H = TornadoNativeArray.ARRAY_HEADER;

    @BeforeAll
    static void device() {
        TornadoTesting.requireTornado();
    }

    /** Bytes one execution of a state graph of {@code count} entries sends. */
    private static long execution(long count, boolean sparse) {
        return 4L * StateKernels.CTL_LENGTH + H + 4L * StateKernels.K_LENGTH + H + 2 * (4 * count + H)
                + 4 * (sparse ? count : 1) + H;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"SMALLEST_MAGNITUDE, ERROR", "RANDOM, NONE", "LARGEST_GRADIENT, SKIP"})
    void bytesBetweenRefreshesAreProportionalToK(Criterion criterion, NonFinitePolicy policy) {
        SplittableRandom r = new SplittableRandom(7);
        int[] sparseSizes = {100_000, 4097, 0};
        int[] denseSizes = {300, 1};
        List<Parameter> sparse = new ArrayList<>();
        for (int i = 0; i < sparseSizes.length; i++) {
            sparse.add(Parameter.of("w" + i, Gen.weights(r, sparseSizes[i], 0.02f, 0.1), sparseSizes[i]));
        }
        List<Parameter> dense = new ArrayList<>();
        for (int i = 0; i < denseSizes.length; i++) {
            dense.add(Parameter.of("norm" + i, Gen.weights(r, denseSizes[i], 1f, 0.1), denseSizes[i]));
        }
        int interval = 3;
        try (NanoAdam opt = NanoAdam.builder().backend("tornado").criterion(criterion).nonFinite(policy)
                .momentPolicy(MomentPolicy.CARRY).chunkSize(1000).density(0.02).maskInterval(interval)
                .build(sparse, dense)) {
            for (int t = 0; t < 6; t++) {
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
                String where = criterion + ", " + policy + ", step " + t + (refresh ? " (refresh)" : "");
                long sent = after.get("bytesToDevice") - before.get("bytesToDevice");
                long received = after.get("bytesFromDevice") - before.get("bytesFromDevice");
                assertEquals(opt.stateBytes(), opt.allocatedStateBytes(), where + ": SPEC.md §9 state bytes");
                if (refresh) {
                    assertTrue(sent > 0 && received > 0, where + ": a refresh moves data");
                    continue;
                }
                int executions = policy == NonFinitePolicy.NONE ? 1 : 2;
                long in = 0;
                long out = 0;
                for (Parameter p : sparse) {
                    long k = opt.mask(p).length;
                    if (k > 0) {
                        in += executions * execution(k, true);
                        out += 4 * k + H + (executions - 1) * (4 + H);
                    }
                }
                for (Parameter p : dense) {
                    long n = p.size();
                    in += executions * execution(n, false);
                    out += 4 * n + H + (executions - 1) * (4 + H);
                }
                assertEquals(in, sent, where + ": bytes to device");
                assertEquals(out, received, where + ": bytes from device");
                assertEquals(before.get("deviceGraphs"), after.get("deviceGraphs"),
                        where + ": graphs held (a step between refreshes builds none)");
                assertEquals(before.get("deviceBytes"), after.get("deviceBytes"), where + ": device bytes held");
            }
        }
    }
}
