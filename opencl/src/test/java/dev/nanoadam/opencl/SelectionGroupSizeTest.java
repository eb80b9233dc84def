package dev.nanoadam.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Criterion;
import dev.nanoadam.MomentPolicy;
import dev.nanoadam.StateType;
import dev.nanoadam.spi.Backend;
import dev.nanoadam.spi.Backends;
import dev.nanoadam.testing.Lockstep;
import dev.nanoadam.testing.Scenario;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The selection kernel at every work-group shape it runs with: one work-item per chunk (CPU
 * devices' default, histograms without atomics) and wider groups (GPUs' default 256: atomics,
 * barriers, split scans, per-item compaction segments), each bit-identical to cpu-scalar. The size
 * is forced with {@value ChunkedSelection#GROUP_PROPERTY}; the {@code opencl} property test covers
 * the device's default.
 */
class SelectionGroupSizeTest {

    @BeforeAll
    static void device() {
        OpenClTesting.assumeDevice();
    }

    @ParameterizedTest(name = "group {0}, {1}")
    @CsvSource({
        "1, SMALLEST_MAGNITUDE", "1, LARGEST_GRADIENT", "2, LARGEST_MAGNITUDE", "2, RANDOM",
        "64, SMALLEST_MAGNITUDE", "64, RANDOM", "256, SMALLEST_MAGNITUDE", "256, LARGEST_MAGNITUDE",
        "256, RANDOM", "256, LARGEST_GRADIENT"
    })
    void sameMasksAtEveryGroupSize(int group, Criterion criterion) {
        String old = System.getProperty(ChunkedSelection.GROUP_PROPERTY);
        System.setProperty(ChunkedSelection.GROUP_PROPERTY, String.valueOf(group));
        try {
            try (Backend b = Backends.open("opencl")) {
                assertTrue(b.description().contains("selection work-groups of " + group), b.description());
            }
            for (long seed = 1; seed <= 6; seed++) {
                long s = seed * 1000 + group * 10L + criterion.ordinal();
                Lockstep.run(new Scenario(s, criterion, seed % 2 == 0 ? MomentPolicy.CARRY : MomentPolicy.RESET,
                        seed == 3 ? StateType.BF16 : StateType.FP32, 12000), "cpu-scalar", "opencl");
            }
        } finally {
            if (old == null) {
                System.clearProperty(ChunkedSelection.GROUP_PROPERTY);
            } else {
                System.setProperty(ChunkedSelection.GROUP_PROPERTY, old);
            }
        }
    }
}
