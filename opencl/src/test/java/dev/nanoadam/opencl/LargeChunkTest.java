package dev.nanoadam.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.testing.Gen;
import dev.nanoadam.testing.Lockstep;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Chunk size 65536, the largest SPEC.md §2 allows, on both selection paths: keys in local memory
 * (where 256 KiB fit, as on PoCL) and keys re-read from global memory on every radix pass (forced
 * by {@value OpenClBackend#KEYS_PROPERTY}{@code =global}, the path of devices with little local
 * memory). Bit-identical to cpu-scalar after every step; the input goes in several batches.
 */
class LargeChunkTest {
    private static final int C = 65536;

    @BeforeAll
    static void device() {
        OpenClTesting.assumeDevice();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Criterion.class)
    void localKeys(Criterion criterion) {
        try (OpenClBackend b = OpenClProvider.open("opencl", OpenClBackend.KeyPlacement.AUTO, 1L << 20)) {
            if (!b.keysInLocal(C)) {
                System.out.println("local-memory path not tested at C = 65536: " + b.description());
            }
        }
        run(criterion, "auto", criterion.ordinal() % 2 == 0 ? StateType.FP32 : StateType.BF16);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Criterion.class)
    void globalKeys(Criterion criterion) {
        try (OpenClBackend b = OpenClProvider.open("opencl", OpenClBackend.KeyPlacement.GLOBAL, 1L << 20)) {
            assertTrue(!b.keysInLocal(C) && b.description().contains("global memory (forced)"), b.description());
        }
        run(criterion, "global", criterion.ordinal() % 2 == 0 ? StateType.BF16 : StateType.FP32);
    }

    private static void run(Criterion criterion, String keys, StateType type) {
        String oldKeys = System.getProperty(OpenClBackend.KEYS_PROPERTY);
        String oldBatch = System.getProperty(OpenClBackend.BATCH_PROPERTY);
        System.setProperty(OpenClBackend.KEYS_PROPERTY, keys);
        System.setProperty(OpenClBackend.BATCH_PROPERTY, String.valueOf(4L * C));   // one chunk per batch
        long seed = 65536L + criterion.ordinal();
        try {
            List<Parameter> a = parameters(seed);
            List<Parameter> b = parameters(seed);
            NanoAdam.Builder builder = NanoAdam.builder().chunkSize(C).criterion(criterion).stateType(type)
                    .momentPolicy(criterion.ordinal() < 2 ? MomentPolicy.CARRY : MomentPolicy.RESET)
                    .density(0.013).maskInterval(2).weightDecay(0.01).lr(1e-3).seed(seed);
            try (NanoAdam x = builder.backend("cpu-scalar").build(a, List.of());
                 NanoAdam y = builder.backend("opencl").build(b, List.of())) {
                if (keys.equals("global")) {
                    assertTrue(y.backendDescription().contains("global memory (forced)"), y.backendDescription());
                }
                for (int t = 0; t < 3; t++) {
                    SplittableRandom r = new SplittableRandom(seed * 31 + t);
                    for (int i = 0; i < a.size(); i++) {
                        float[] g = Gen.gradients(r, a.get(i).size(), 0.01f, 0.2);
                        System.arraycopy(g, 0, a.get(i).grad(), 0, g.length);
                        System.arraycopy(g, 0, b.get(i).grad(), 0, g.length);
                    }
                    x.step();
                    y.step();
                    Lockstep.assertSameState("C=65536, keys " + keys + ", " + criterion + ", " + type + ", seed " + seed
                            + ", after step " + t + ": ", x, y, a, b);
                }
                assertEquals(x.stateBytes(), y.allocatedStateBytes(), "SPEC.md §9 state bytes");
            }
        } finally {
            restore(OpenClBackend.KEYS_PROPERTY, oldKeys);
            restore(OpenClBackend.BATCH_PROPERTY, oldBatch);
        }
    }

    /** Two full chunks and a short one, plus a parameter shorter than one chunk. */
    private static List<Parameter> parameters(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Parameter> ps = new ArrayList<>();
        int[] sizes = {2 * C + 4097, 1023};
        for (int i = 0; i < sizes.length; i++) {
            ps.add(Parameter.of("big" + i + ".weight", Gen.weights(r, sizes[i], 0.02f, 0.3), sizes[i]));
        }
        return ps;
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
