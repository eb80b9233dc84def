package dev.nanoadam.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Parameter;
import dev.nanoadam.cpu.WorkerPool;
import dev.nanoadam.models.math.GemmPathCheck;
import dev.nanoadam.models.math.Simd;
import dev.nanoadam.testing.Compare;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every vector path (scalar and each width this CPU runs natively), each in its own JVM since
 * the width is fixed once per JVM, with 1 or 3 threads: GEMM must give the same bits as here,
 * and the models the same losses and gradients up to float32 reassociation in the vectorised
 * reductions (whose lane count differs per path).
 */
class VectorPathsTest {
    /**
     * Reductions over at most a few hundred float32 terms in a different grouping differ by at
     * most a few hundred u = 6e-8 of the largest term, and the gradients here are sums of terms
     * of order 0.1 at most (some cancel to exactly 0 in exact arithmetic, e.g. the key biases,
     * and are float32 noise of order 1e-8): 1e-5 of max(0.1, the array's scale) plus 1e-4
     * relative covers that, while a path computing something else differs by order 1e-3 or more.
     */
    private static final double PATH_ATOL = 1e-5;
    private static final double PATH_RTOL = 1e-4;

    private static List<String> command(String bits, int threads) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=2");
        cmd.add("-D" + Simd.PROPERTY + "=" + bits);
        cmd.add("-D" + WorkerPool.THREADS_PROPERTY + "=" + threads);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PathCheck.class.getName());
        return cmd;
    }

    private static String[] runChild(String bits, int threads) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(bits, threads)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new String[] {Integer.toString(p.waitFor()), out};
    }

    private static Map<String, float[]> parse(String output) {
        Map<String, float[]> m = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 2 || !(f[0].startsWith("transformer.") || f[0].startsWith("resnet."))) {
                continue;
            }
            float[] v = new float[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                v[i - 1] = Float.intBitsToFloat(Integer.parseUnsignedInt(f[i], 16));
            }
            m.put(f[0], v);
        }
        return m;
    }

    private static Map<String, float[]> here() {
        Map<String, float[]> m = new HashMap<>();
        Transformer t = PathCheck.transformer();
        m.put("transformer.loss", new float[] {t.lossAndGradients(PathCheck.transformerBatch())});
        for (Parameter p : t.parameters()) {
            m.put("transformer." + p.name(), p.grad().clone());
        }
        ResNet r = PathCheck.resnet();
        m.put("resnet.loss", new float[] {r.lossAndGradients(PathCheck.resnetBatch())});
        for (Parameter p : r.parameters()) {
            m.put("resnet." + p.name(), p.grad().clone());
        }
        return m;
    }

    @Test
    void everyPathAgrees() throws Exception {
        String gemmHere = Long.toHexString(GemmPathCheck.run());
        Map<String, float[]> expected = here();
        // Every width on every CPU: one wider than the CPU's is emulated exactly (STYLE.md rule 2).
        List<String> paths = List.of("scalar", "128", "256", "512");
        int threads = 3;
        for (String bits : paths) {
            String[] r = runChild(bits, threads);
            String what = "path " + bits + " with " + threads + " threads";
            assertEquals("0", r[0], what + " failed:\n" + r[1]);
            assertTrue(r[1].contains("GEMM " + gemmHere + "\n"), what + " gave other GEMM bits:\n" + r[1]);
            Map<String, float[]> got = parse(r[1]);
            assertEquals(expected.keySet(), got.keySet(), what + ": arrays printed");
            for (Map.Entry<String, float[]> e : expected.entrySet()) {
                float[] actual = got.get(e.getKey());
                assertNotNull(actual, e.getKey());
                double[] exp = dev.nanoadam.models.check.Data.widen(e.getValue());
                Compare.close(what + ": " + e.getKey(), exp, actual, PATH_ATOL * Compare.scale(exp, 0.1), PATH_RTOL);
            }
            threads = threads == 3 ? 1 : 3;
        }
        System.out.println("vector paths checked against " + Simd.describe() + ": " + paths);
    }

    @Test
    void refusesAWidthItDoesNotOffer() throws Exception {
        String bits = "1024";
        String[] r = runChild(bits, 1);
        assertTrue(!r[0].equals("0"), "a width of " + bits + " bits should be refused:\n" + r[1]);
        assertTrue(r[1].contains(Simd.PROPERTY + "=" + bits), r[1]);
    }
}
