package dev.nanoadam.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.MomentPolicy;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.testing.Gen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Opening, describing, running long and closing: nothing leaks, close is idempotent. */
class LifecycleTest {

    @BeforeAll
    static void device() {
        OpenClTesting.assumeDevice();
    }

    @Test
    void describesTheDeviceThatRuns() {
        try (OpenClBackend b = OpenClProvider.open("opencl", OpenClBackend.KeyPlacement.AUTO, 1 << 20)) {
            DeviceCatalog.Entry e = DeviceCatalog.preferred();
            assertTrue(b.description().contains(e.deviceName()) && b.description().contains(e.platformName())
                    && b.description().contains(e.backendName()), b.description());
            assertEquals(e.backendName(), b.deviceName());
        }
    }

    @Test
    void closeIsIdempotentAndFreesEveryBuffer() {
        int before = DeviceMemory.liveInJvm();
        OpenClBackend b = OpenClProvider.open("opencl:0:0", OpenClBackend.KeyPlacement.AUTO, 1 << 20);
        Parameter p = Parameter.of("w", new float[5000], 5000);
        Parameter d = Parameter.of("norm", new float[70], 70);
        NanoAdam opt = NanoAdam.builder().backend("opencl").build(List.of(p), List.of(d));
        opt.step();
        assertTrue(DeviceMemory.liveInJvm() > before, "buffers exist while open");
        opt.close();
        opt.close();
        b.close();
        b.close();
        assertEquals(before, DeviceMemory.liveInJvm(), "cl_mem objects left after close");
        assertEquals(0L, b.counters().get("deviceBuffers"));
    }

    /**
     * 10,000 small steps with a refresh every 7 (CARRY reallocates m and v each time): the cl_mem
     * objects held stay exactly constant and the process's resident memory stays flat.
     */
    @Test
    void tenThousandStepsLeakNothing() throws IOException {
        int before = DeviceMemory.liveInJvm();
        SplittableRandom r = new SplittableRandom(10_000);
        List<Parameter> sparse = new ArrayList<>();
        sparse.add(Parameter.of("a", Gen.weights(r, 3000, 0.02f, 0.1), 3000));
        sparse.add(Parameter.of("b", Gen.weights(r, 257, 0.02f, 0.1), 257));
        List<Parameter> dense = List.of(Parameter.of("norm", Gen.weights(r, 65, 1f, 0.1), 65));
        for (Parameter p : sparse) {
            System.arraycopy(Gen.gradients(r, p.size(), 0.01f, 0.1), 0, p.grad(), 0, p.size());
        }
        System.arraycopy(Gen.gradients(r, 65, 0.01f, 0.1), 0, dense.get(0).grad(), 0, 65);
        long rssWarm;
        long buffersWarm;
        try (NanoAdam opt = NanoAdam.builder().backend("opencl").chunkSize(512).density(0.1).maskInterval(7)
                .momentPolicy(MomentPolicy.CARRY).stateType(StateType.BF16).lr(1e-4).build(sparse, dense)) {
            for (int t = 0; t < 2_000; t++) {
                opt.step();
            }
            System.gc();
            rssWarm = residentKiB();
            buffersWarm = opt.backendCounters().get("deviceBuffers");
            for (int t = 2_000; t < 10_000; t++) {
                opt.step();
                if (t % 1000 == 999) {
                    assertEquals(buffersWarm, opt.backendCounters().get("deviceBuffers"), "device buffers at step " + t);
                }
            }
            System.gc();
            long rss = residentKiB();
            // Heap and code-cache noise stay well below this; a leak of one K-sized buffer per
            // refresh would be ~1100 refreshes * >= 1 KiB, and of JOCL objects per launch far more.
            assertTrue(rss - rssWarm < 24 * 1024, "VmRSS grew from " + rssWarm + " KiB to " + rss + " KiB");
            assertEquals(10_000, opt.steps());
        }
        assertEquals(before, DeviceMemory.liveInJvm(), "cl_mem objects left after close");
    }

    @Test
    void stateBytesAreWhatIsAllocated() {
        SplittableRandom r = new SplittableRandom(9);
        for (StateType type : StateType.values()) {
            List<Parameter> sparse = List.of(Parameter.of("a", Gen.weights(r, 10_001, 0.02f, 0.1), 10_001),
                    Parameter.of("empty", new float[0], 0));
            List<Parameter> dense = List.of(Parameter.of("norm", Gen.weights(r, 33, 1f, 0.1), 33));
            try (NanoAdam opt = NanoAdam.builder().backend("opencl").stateType(type).chunkSize(1000).density(0.5)
                    .finalDensity(0.05).densityInterval(2).totalSteps(6).build(sparse, dense)) {
                for (int t = 0; t < 6; t++) {
                    opt.step();
                    assertEquals(opt.stateBytes(), opt.allocatedStateBytes(), type + " after step " + t);
                }
            }
        }
    }

    private static long residentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
