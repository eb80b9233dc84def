package dev.nanoadam.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import dev.nanoadam.StateType;
import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.Backends;
import dev.nanoadam.spi.Layout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way of not running says what went wrong and what to do. */
class FailureMessagesTest {

    @BeforeAll
    static void device() {
        OpenClTesting.assumeDevice();
    }

    @Test
    void unknownDeviceListsTheDevices() {
        for (String name : new String[] {"opencl:0:99", "opencl:42:0"}) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.open(name));
            assertTrue(e.getMessage().contains("no device " + name), e.getMessage());
            assertTrue(e.getMessage().contains("opencl:0:0 = "), "lists the devices: " + e.getMessage());
        }
        Parameter p = Parameter.of("w", new float[10], 10);
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> NanoAdam.builder().backend("opencl:0:99").build(List.of(p), List.of()));
        assertTrue(e.getMessage().contains("no device opencl:0:99"), e.getMessage());
    }

    @Test
    void malformedNamesAreRefused() {
        for (String name : new String[] {"opencl:a:b", "opencl:0", "opencl:0:0:0", "opencl:"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.open(name));
            assertTrue(e.getMessage().contains("opencl:<platform>:<device>") || e.getMessage().contains("indices"),
                    e.getMessage());
        }
    }

    @Test
    void namesListTheDevices() {
        List<String> names = Backends.available();
        assertTrue(names.contains("opencl") && names.contains("opencl:0:0"), names.toString());
    }

    /** The allocation limit is injected, so the refusal is reached whatever the device's own limit. */
    @Test
    void outOfMemoryNamesTheBytes() {
        int before = DeviceMemory.liveInJvm();
        long limit = 1 << 20;
        int n = (int) (limit / 4 + 1);   // m alone needs 4 * n bytes, one more float than the limit
        try (OpenClBackend b = OpenClProvider.open("opencl", OpenClBackend.KeyPlacement.AUTO, 1 << 20, limit)) {
            Layout huge = new Layout(new String[0], new int[0], new String[] {"head"}, new int[] {n}, 4096,
                    StateType.FP32);
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> b.init(huge));
            assertTrue(e.getMessage().contains("device out of memory") && e.getMessage().contains((4L * n) + " bytes")
                    && e.getMessage().contains("m of DENSE 'head' asks for") && e.getMessage().contains(limit + " bytes"),
                    e.getMessage());
        }
        assertEquals(before, DeviceMemory.liveInJvm(), "buffers left behind by the refused layout");
    }

    /**
     * A parameter beyond one host transfer buffer is refused with the same exception type as one
     * beyond the device, sizes named, before the backend's state changes.
     */
    @Test
    void beyondOneTransferBufferIsRefusedLikeOutOfMemory() {
        int n = (1 << 29) + 1;   // 4 * n bytes = 2^31 + 4 > 2^31 - 1
        try (OpenClBackend b = OpenClProvider.open("opencl", OpenClBackend.KeyPlacement.AUTO, 1 << 20)) {
            Layout small = new Layout(new String[0], new int[0], new String[] {"bias"}, new int[] {5}, 4096,
                    StateType.FP32);
            b.init(small);
            Layout huge = new Layout(new String[] {"embedding"}, new int[] {n}, new String[0], new int[0], 4096,
                    StateType.FP32);
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> b.init(huge));
            assertTrue(e.getMessage().contains("'embedding' of " + n + " entries")
                    && e.getMessage().contains((4L * n) + " bytes") && e.getMessage().contains(Integer.MAX_VALUE + " bytes"),
                    e.getMessage());
            float[] m = new float[5];
            float[] v = new float[5];
            b.readMoments(false, 0, m, v);   // the earlier layout is still there
            assertEquals(0f, m[4]);
        }
    }

    @Test
    void buildFailureCarriesTheLog() {
        DeviceRuntime rt = DeviceRuntime.of(DeviceCatalog.preferred());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> rt.build("broken.cl", "__kernel void broken(__global float* a) { a[0] = undeclared_name; }"));
        assertTrue(e.getMessage().contains("building broken.cl") && e.getMessage().contains("build log")
                && e.getMessage().contains("undeclared_name"), e.getMessage());
    }

    /** A JVM whose OpenCL loader finds no platform (an empty vendor directory) says how to install one. */
    @Test
    void noPlatformSaysHowToInstallOne(@TempDir Path empty) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), NoPlatformProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OCL_ICD_VENDORS", empty.toString());
        Process process = pb.start();
        // Only a hang guard: a probe that starts one JVM and lists no device takes seconds anywhere.
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "probe JVM did not finish in 10 minutes");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.contains("no OpenCL platform found") && output.contains("apt-get install pocl-opencl-icd"),
                output);
        assertTrue(output.contains("names=[opencl]"), "listing stays quiet and offers only 'opencl': " + output);
    }

    /** Main of the probe JVM above. */
    static final class NoPlatformProbe {
        public static void main(String[] args) {
            System.out.println("names=" + new OpenClProvider().names());
            try {
                Backends.open("opencl").close();
                System.out.println("opened");
            } catch (BackendUnavailableException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
