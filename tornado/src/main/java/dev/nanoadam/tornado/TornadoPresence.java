package dev.nanoadam.tornado;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether this JVM was started with what TornadoVM needs ({@code @tornado/target/tornado.argfile}),
 * checked without loading any TornadoVM class: its modules in the boot layer, its native library
 * on {@code java.library.path}, the {@code tornado.load.*} properties, and the four settings that
 * keep its kernels bit-exact (SPEC.md §10; docs/TORNADO.md).
 */
final class TornadoPresence {
    private TornadoPresence() {
    }

    static final String[] MODULES = {"tornado.api", "tornado.runtime", "tornado.drivers.opencl", "jdk.graal.compiler"};
    static final String[] LOAD_PROPERTIES = {
        "tornado.load.api.implementation", "tornado.load.runtime.implementation",
        "tornado.load.tornado.implementation", "tornado.load.annotation.implementation",
        "tornado.load.annotation.parallel"
    };
    static final String LIBRARY = "libtornado-opencl.so";
    /** OpenCL build options that break SPEC.md §6 (contraction, relaxed or flushed arithmetic). */
    static final String[] FORBIDDEN_FLAGS = {
        "-cl-mad-enable", "-cl-fast-relaxed-math", "-cl-unsafe-math-optimizations", "-cl-denorms-are-zero",
        "-cl-finite-math-only", "-cl-no-signed-zeros"
    };

    /** Null when TornadoVM can run this backend here; otherwise one line: what was looked for and what is missing. */
    static String missing() {
        List<String> absent = new ArrayList<>();
        for (String module : MODULES) {
            if (ModuleLayer.boot().findModule(module).isEmpty()) {
                absent.add("module " + module + " (--module-path/--upgrade-module-path/--add-modules)");
            }
        }
        if (!onLibraryPath(LIBRARY)) {
            absent.add(LIBRARY + " on -Djava.library.path");
        }
        for (String p : LOAD_PROPERTIES) {
            if (System.getProperty(p) == null) {
                absent.add("-D" + p);
            }
        }
        requireFalse("tornado.enable.fma", absent);
        requireFalse("tornado.enable.nativeFunctions", absent);
        requireFalse("tornado.enable.mathOptimizations", absent);
        String flags = System.getProperty("tornado.opencl.compiler.flags");
        if (flags == null || !flags.contains("-cl-fp32-correctly-rounded-divide-sqrt")) {
            absent.add("-Dtornado.opencl.compiler.flags with -cl-fp32-correctly-rounded-divide-sqrt");
        } else {
            for (String f : FORBIDDEN_FLAGS) {
                if (flags.contains(f)) {
                    absent.add("tornado.opencl.compiler.flags without " + f);
                }
            }
        }
        if (absent.isEmpty()) {
            return null;
        }
        return "tornado: TornadoVM is not set up in this JVM (looked for TornadoVM's modules in the boot layer, "
                + LIBRARY + " on java.library.path, the tornado.load.* properties and the bit-exact settings); missing: "
                + String.join(", ", absent) + "; start java with @tornado/target/tornado.argfile, which the build writes";
    }

    private static void requireFalse(String property, List<String> absent) {
        String v = System.getProperty(property);
        if (v == null || !v.toLowerCase(Locale.ROOT).equals("false")) {
            absent.add("-D" + property + "=False");
        }
    }

    private static boolean onLibraryPath(String library) {
        String path = System.getProperty("java.library.path", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && new File(dir, library).isFile()) {
                return true;
            }
        }
        return false;
    }
}
