package dev.nanoadam.models.testing;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * What the allocation tests need of the JVM: HotSpot's optimising compiler (C2), which is what
 * removes the boxing of Vector API values and of escape-analysed temporaries. Interpreted code or
 * C1 alone allocates where C2 does not, so under {@code -Xint}, {@code -XX:TieredStopAtLevel=1..3}
 * or {@code -XX:-UseCompiler} an allocation count says nothing about the code; such a JVM fails
 * these tests by name instead of with a count.
 */
public final class Jit {
    private Jit() {
    }

    /** Throws an {@link AssertionError} naming the option when this JVM cannot run C2-compiled code. */
    public static void requireOptimisingCompiler() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null) {
            throw new AssertionError("this JVM has no JIT compiler (-Xint?); allocation tests need C2");
        }
        List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String o : options) {
            boolean lowTier = o.startsWith("-XX:TieredStopAtLevel=") && !o.equals("-XX:TieredStopAtLevel=4");
            if (o.equals("-Xint") || o.equals("-XX:-UseCompiler") || lowTier) {
                throw new AssertionError("JVM option " + o + " keeps C2 from compiling; allocation tests need it (options: "
                        + options + ")");
            }
        }
    }
}
