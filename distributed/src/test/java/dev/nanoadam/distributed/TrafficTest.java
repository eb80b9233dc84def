package dev.nanoadam.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Traffic} counts from sizes alone what NanoAdam's masks hold and what {@link DataParallel} sends. */
class TrafficTest {
    @Test
    void theCountFromSizesIsTheMaskedLengthOfARealOptimizer() {
        // Sizes: several full chunks and a short last one, exactly one chunk, less than a chunk, one entry.
        int[] sparse = {3 * 4096 + 1000, 4096, 4097, 37, 1};
        int[] dense = {64, 10};
        for (double k : new double[] {0.1, 0.05, 0.3, 1.0}) {
            List<Parameter> sp = new java.util.ArrayList<>();
            for (int i = 0; i < sparse.length; i++) {
                sp.add(Parameter.of("w" + i, new float[sparse[i]], sparse[i]));
            }
            List<Parameter> dp = List.of(Parameter.of("norm.weight", new float[64], 64), Parameter.of("head.bias", new float[10], 10));
            try (NanoAdam opt = NanoAdam.builder().density(k).build(sp, dp)) {
                opt.refreshNow();
                Traffic t = Traffic.of(java.util.Arrays.stream(sparse).asLongStream().toArray(),
                        java.util.Arrays.stream(dense).asLongStream().toArray(), k, 4096);
                assertEquals(opt.maskedGradientLength(), t.masked(), "K at density " + k);
                assertEquals(74, t.dense());
                assertEquals(4 * (opt.maskedGradientLength() + 74 + 1), t.nanoAdamBytes());
                assertEquals(4L * (3 * 4096 + 1000 + 4096 + 4097 + 37 + 1 + 74 + 1), t.everyEntryBytes());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Traffic.of(new long[] {1}, new long[0], 0, 4096));
    }
}
