package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors, checked the way a user on the module path meets them: this test's class
 * path (the built modules and their libraries) becomes a module layer of its own, resolved from
 * the descriptors alone, and a command runs inside it. The tests themselves run on the class path.
 */
class ModuleGraphTest {
    /** The project's modules on this module's class path (tornado and bench are not). */
    private static final Set<String> OURS = Set.of("dev.nanoadam", "dev.nanoadam.opencl", "dev.nanoadam.nn",
            "dev.nanoadam.data", "dev.nanoadam.formats", "dev.nanoadam.training", "dev.nanoadam.distributed",
            "dev.nanoadam.conformance", "dev.nanoadam.experiments", "dev.nanoadam.cli");
    /** The libraries the modules above require, by the start of their jar names. */
    private static final List<String> LIBRARIES = List.of("jackson-core-", "protobuf-java-", "ejml-core-",
            "ejml-ddense-", "jocl-", "picocli-", "xchart-");

    private static ModuleFinder finder() {
        List<Path> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            String name = p.getFileName().toString();
            boolean ourModule = Files.isRegularFile(p.resolve("module-info.class"))
                    || (name.startsWith("nanoadam-") && name.endsWith(".jar") && !name.endsWith("-tests.jar"));
            boolean library = name.endsWith(".jar") && LIBRARIES.stream().anyMatch(name::startsWith);
            if ((ourModule && !name.contains("tornado") && !p.toString().contains("tornado")) || library) {
                entries.add(p);
            }
        }
        return ModuleFinder.of(entries.toArray(Path[]::new));
    }

    private static ModuleLayer.Controller layer() {
        Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder(), ModuleFinder.of(), OURS);
        return ModuleLayer.defineModulesWithOneLoader(cf, List.of(ModuleLayer.boot()), ClassLoader.getPlatformClassLoader());
    }

    @Test
    void everyModuleHasADescriptorAndTheReferenceExportsOnlyTheApiAndTheSpi() {
        ModuleFinder finder = finder();
        for (String name : OURS) {
            ModuleReference ref = finder.find(name).orElseThrow(() -> new AssertionError(name + " is not on the class path"));
            assertFalse(ref.descriptor().isAutomatic(), name + " has no module-info");
        }
        ModuleDescriptor reference = finder.find("dev.nanoadam").orElseThrow().descriptor();
        Set<String> open = reference.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("dev.nanoadam", "dev.nanoadam.spi"), open);
        for (ModuleDescriptor.Exports e : reference.exports()) {
            for (String target : e.targets()) {
                assertTrue(target.startsWith("dev.nanoadam."), e + " is exported outside the project");
            }
        }
        assertTrue(reference.opens().isEmpty(), "the reference opens nothing to reflection");
    }

    @Test
    void theInternalsReachOnlyTheModulesNamedForThem() {
        ModuleLayer layer = layer().layer();
        Module reference = layer.findModule("dev.nanoadam").orElseThrow();
        Module nn = layer.findModule("dev.nanoadam.nn").orElseThrow();
        Module data = layer.findModule("dev.nanoadam.data").orElseThrow();
        Module opencl = layer.findModule("dev.nanoadam.opencl").orElseThrow();
        Module cli = layer.findModule("dev.nanoadam.cli").orElseThrow();
        assertTrue(reference.isExported("dev.nanoadam") && reference.isExported("dev.nanoadam.spi"));
        assertFalse(reference.isExported("dev.nanoadam.cpu"), "cpu is internal");
        assertFalse(reference.isExported("dev.nanoadam.io"), "io is internal");
        assertTrue(reference.isExported("dev.nanoadam.cpu", nn) && reference.isExported("dev.nanoadam.cpu", opencl));
        assertFalse(reference.isExported("dev.nanoadam.cpu", data), "data does not reach the worker pool");
        assertTrue(reference.isExported("dev.nanoadam.io", cli));
        assertFalse(reference.isExported("dev.nanoadam.io", nn), "nn writes no files");
    }

    @Test
    void theBackendsAreFoundAsServicesAndACommandRunsInTheLayer() throws Exception {
        ModuleLayer.Controller controller = layer();
        ModuleLayer layer = controller.layer();
        ClassLoader loader = layer.findLoader("dev.nanoadam");
        Class<?> service = loader.loadClass("dev.nanoadam.spi.BackendProvider");
        Set<String> names = new TreeSet<>();
        for (Object provider : ServiceLoader.load(layer, service)) {
            assertTrue(provider.getClass().getModule().isNamed(), provider.getClass() + " is not in a module");
            for (Object n : (List<?>) service.getMethod("names").invoke(provider)) {
                names.add((String) n);
            }
        }
        assertTrue(names.containsAll(Set.of("cpu", "cpu-scalar", "opencl")), names.toString());

        // picocli reads the commands' options reflectively (the cli opens its package to it), and
        // `models` finds the experiments' model provider through the module's `uses`.
        Class<?> main = layer.findLoader("dev.nanoadam.cli").loadClass("dev.nanoadam.cli.Main");
        assertEquals("dev.nanoadam.cli", main.getModule().getName());
        controller.addExports(main.getModule(), "dev.nanoadam.cli", ModuleGraphTest.class.getModule()); // as `java -m` would
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = (int) main.getMethod("run", String[].class).invoke(null, (Object) new String[] {"models"});
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        assertTrue(printed.lines().anyMatch(l -> l.equals("resnet")), printed);
    }
}
