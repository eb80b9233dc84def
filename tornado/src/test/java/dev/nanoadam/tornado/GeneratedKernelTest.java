package dev.nanoadam.tornado;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL C that TornadoVM generated for this backend's kernels (Surefire runs these tests with
 * {@code -Dtornado.printKernel=True -Dtornado.print.kernel.dir=target/generated-kernels.cl}) holds
 * nothing that SPEC.md §6 forbids: no fma/mad calls, no native_ or half_ functions, no rsqrt, and no
 * statement that multiplies and adds floats at once (which the OpenCL compiler may contract).
 */
class GeneratedKernelTest {
    private static String source;

    @BeforeAll
    static void kernels() throws IOException {
        TornadoTesting.requireTornado();   // opening runs the known-answer test: every kernel is built
        Path file = Path.of(System.getProperty("tornado.print.kernel.dir", "target/generated-kernels.cl"));
        assertTrue(Files.isRegularFile(file), "TornadoVM wrote no kernel source to " + file);
        source = Files.readString(file);
    }

    @Test
    void everyKernelWasGenerated() {
        for (String kernel : List.of("main32", "finish32", "main16", "finish16", "chunkedBottomK")) {
            assertTrue(source.contains("__kernel void " + kernel + "("), kernel + " not in the generated source");
        }
    }

    @Test
    void noFusedOrRelaxedArithmetic() {
        for (String call : List.of("fma(", "mad(", "native_", "half_", "rsqrt(")) {
            assertFalse(source.contains(call), "generated source calls " + call);
        }
    }

    /** A float assignment is one operation: {@code f_1 = f_2 * f_3;} never {@code f_1 = f_2 * f_3 + f_4;}. */
    @Test
    void oneFloatOperationPerStatement() {
        Pattern assignment = Pattern.compile("^\\s*f_\\d+\\s*=(.*);\\s*$");
        int floatStatements = 0;
        for (String line : source.split("\n")) {
            java.util.regex.Matcher m = assignment.matcher(line);
            if (m.find()) {
                floatStatements++;
                String rhs = m.group(1);
                boolean multiplies = rhs.contains(" * ");
                boolean adds = rhs.contains(" + ") || rhs.contains(" - ");
                assertFalse(multiplies && adds, "a multiply-add in one statement: " + line);
            }
        }
        assertTrue(floatStatements > 50, "float statements seen: " + floatStatements);
    }
}
