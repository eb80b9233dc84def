package dev.nanoadam.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SPEC.md §10's start-up check: it passes what agrees with cpu-scalar and names where a kernel does not. */
class KnownAnswerTestTest {

    @Test
    void theCpuBackendAgrees() {
        assertNull(KnownAnswerTest.run("cpu", () -> Backends.open("cpu")));
        try (Backend cpu = Backends.open("cpu")) {   // opening "cpu" ran it too, and passed
            assertEquals("cpu", cpu.name());
        }
    }

    @Test
    void aDenseUpdateOneBitOffIsFoundAndNamed() {
        AtomicInteger opened = new AtomicInteger();
        String where = KnownAnswerTest.run("planted", () -> {
            opened.incrementAndGet();
            return plantedFault(Backends.open("cpu-scalar"));
        });
        assertTrue(where != null && where.startsWith("planted, FP32") && where.contains("weights of parameter 4")
                && where.contains(" index ") && where.contains("0x"), String.valueOf(where));
        assertEquals(1, opened.get(), "stops at the first state type that differs");
    }

    @Test
    void aCandidateThatThrowsIsReportedNotPropagated() {
        String where = KnownAnswerTest.run("throwing", () -> throwingSelect(Backends.open("cpu-scalar")));
        assertTrue(where != null && where.contains("throwing, FP32") && where.contains("select refused"),
                String.valueOf(where));
    }

    /** cpu-scalar, but every DENSE update flips the lowest bit of every weight it wrote. */
    private static Backend plantedFault(Backend real) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    Object r = invoke(real, method, args);
                    if (method.getName().equals("updateDense")) {
                        float[] w = (float[]) args[1];
                        for (int i = 0; i < w.length; i++) {
                            w[i] = Float.intBitsToFloat(Float.floatToRawIntBits(w[i]) ^ 1);
                        }
                    }
                    return r;
                });
    }

    /** cpu-scalar whose selection throws. */
    private static Backend throwingSelect(Backend real) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("select")) {
                        throw new IllegalStateException("select refused");
                    }
                    return invoke(real, method, args);
                });
    }

    private static Object invoke(Backend real, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
