package dev.nanoadam.tornado;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.Backends;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clear errors: TornadoVM missing or mis-set in the JVM, unknown devices, malformed names. */
class FailureMessagesTest {

    @BeforeAll
    static void device() {
        TornadoTesting.requireTornado();
    }

    @Test
    void thisJvmHasEverything() {
        assertNull(TornadoPresence.missing());
    }

    /** Each setting the argfile carries, taken away in turn, is named in one line. */
    @Test
    void aMissingOptionIsNamed() {
        String[][] cases = {
            {"tornado.enable.fma", "-Dtornado.enable.fma=False"},
            {"tornado.enable.nativeFunctions", "-Dtornado.enable.nativeFunctions=False"},
            {"tornado.enable.mathOptimizations", "-Dtornado.enable.mathOptimizations=False"},
            {"tornado.opencl.compiler.flags", "-cl-fp32-correctly-rounded-divide-sqrt"},
            {"tornado.load.runtime.implementation", "-Dtornado.load.runtime.implementation"},
        };
        for (String[] c : cases) {
            String saved = System.getProperty(c[0]);
            System.clearProperty(c[0]);
            try {
                String message = TornadoPresence.missing();
                assertTrue(message != null && message.contains(c[1]) && !message.contains("\n")
                        && message.contains("tornado.argfile"), c[0] + ": " + message);
                BackendUnavailableException e = assertThrows(TornadoMissingException.class,
                        () -> Backends.open("tornado"));
                assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            } finally {
                System.setProperty(c[0], saved);
            }
        }
    }

    @Test
    void relaxedMathFlagsAreRefused() {
        String saved = System.getProperty("tornado.opencl.compiler.flags");
        System.setProperty("tornado.opencl.compiler.flags", saved + " -cl-fast-relaxed-math");
        try {
            String message = TornadoPresence.missing();
            assertTrue(message != null && message.contains("without -cl-fast-relaxed-math"), message);
        } finally {
            System.setProperty("tornado.opencl.compiler.flags", saved);
        }
    }

    @Test
    void unknownDevicesAndMalformedNamesSayWhat() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.open("tornado:0:99"));
        assertTrue(e.getMessage().contains("tornado:0:99") && e.getMessage().contains("devices"), e.getMessage());
        e = assertThrows(BackendUnavailableException.class, () -> Backends.open("tornado:42:0"));
        assertTrue(e.getMessage().contains("no TornadoVM backend 42"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Backends.open("tornado:x"));
        assertTrue(bad.getMessage().contains("tornado:<backend>:<device>"), bad.getMessage());
    }

    /** A graph beyond the device memory it may use fails with the parameter and the bytes named. */
    @Test
    void outOfMemoryNamesTheBytes() {
        System.setProperty(Device.MEMORY_LIMIT_PROPERTY, "1MB");
        try {
            int n = 300_000;   // a DENSE graph of n entries holds about 28 n bytes on the device
            Parameter head = Parameter.of("head", new float[n], n);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> NanoAdam.builder().backend("tornado").build(List.of(), List.of(head)).close());
            assertTrue(e.getMessage().contains("device out of memory") && e.getMessage().contains("'head'")
                    && e.getMessage().contains(n + " entries"), e.getMessage());
        } finally {
            System.clearProperty(Device.MEMORY_LIMIT_PROPERTY);
        }
    }
}
