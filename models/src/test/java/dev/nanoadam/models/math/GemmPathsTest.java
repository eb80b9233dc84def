package dev.nanoadam.models.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * Every GEMM path (scalar and each vector width this CPU runs natively, several thread counts)
 * in its own JVM, since the width is fixed once per JVM. All must give the same bits.
 */
class GemmPathsTest {
    private static List<String> command(String bits, int threads, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=2");
        cmd.add("-D" + Simd.PROPERTY + "=" + bits);
        cmd.add("-D" + WorkerPool.THREADS_PROPERTY + "=" + threads);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        return cmd;
    }

    private static String[] runChild(String bits, int threads) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(bits, threads, GemmPathCheck.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return new String[] {Integer.toString(rc), out};
    }

    private static String hashOf(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("OK ")) {
                return line.substring(line.indexOf("hash=") + 5).trim();
            }
        }
        return null;
    }

    @Test
    void everyPathGivesTheSameBits() throws Exception {
        String here = Long.toHexString(GemmPathCheck.run());
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        List<String> paths = new ArrayList<>(List.of("scalar"));
        for (int bits = 128; bits <= preferred; bits *= 2) {
            paths.add(Integer.toString(bits));
        }
        int threads = 3;
        for (String bits : paths) {
            String[] r = runChild(bits, threads);
            assertEquals("0", r[0], "child JVM with " + bits + " bits, " + threads + " threads failed:\n" + r[1]);
            assertEquals(here, hashOf(r[1]), "path " + bits + " gave different bits:\n" + r[1]);
            threads = threads == 3 ? 1 : 3;
        }
        System.out.println("GEMM paths checked against " + Simd.describe() + ": " + paths);
    }

    @Test
    void refusesAWidthTheCpuLacks() throws Exception {
        int tooWide = FloatVector.SPECIES_PREFERRED.vectorBitSize() * 2;
        String bits = tooWide > 512 ? "1024" : Integer.toString(tooWide);
        String[] r = runChild(bits, 1);
        assertTrue(!r[0].equals("0"), "a width of " + bits + " bits should be refused:\n" + r[1]);
        assertTrue(r[1].contains(Simd.PROPERTY + "=" + bits), r[1]);
    }
}
