package dev.nanoadam.cli;

import dev.nanoadam.conformance.Budget;
import dev.nanoadam.conformance.Corpora;
import dev.nanoadam.conformance.DeviceCheck;
import dev.nanoadam.conformance.Workload;
import dev.nanoadam.conformance.Workloads;
import dev.nanoadam.models.data.DatasetNotFoundException;
import dev.nanoadam.models.data.FashionMnist;
import dev.nanoadam.models.data.Fortunes;
import dev.nanoadam.models.math.Simd;
import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.spi.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nanoadam conformance --device NAME}: trains the standard models on the device and on the
 * {@code cpu-scalar} oracle in lock step and prints a table; exit status 0 only when every
 * configuration agreed bit for bit, 1 when one did not, 2 when the check could not run.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Check a backend against the cpu-scalar oracle: the same transformer and ResNet from the same "
                + "seed, trained on real batches on both, must agree bit for bit (loss, gradients, weights, masks, m, v) "
                + "after every step, also across a checkpoint resumed on the other backend.",
                "Exit status: 0 all agree, 1 a configuration disagrees (the table says where), 2 the check cannot run."})
final class ConformanceCommand implements Callable<Integer> {
    @Option(names = "--device", required = true, paramLabel = "BACKEND",
            description = "backend to check, e.g. opencl, opencl:1:0, tornado, cpu")
    String device;

    @Option(names = "--oracle", defaultValue = "cpu-scalar", paramLabel = "BACKEND",
            description = "reference backend (default: ${DEFAULT-VALUE})")
    String oracle;

    @Option(names = "--budget", defaultValue = "" + Budget.COMMAND_SECONDS, paramLabel = "SECONDS",
            description = "wall-clock budget; every model runs at least once whatever it is (default: ${DEFAULT-VALUE})")
    double budget;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "seed of the configurations (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--steps", defaultValue = "" + Budget.COMMAND_STEPS, paramLabel = "N",
            description = "steps of each covering configuration (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--models", split = ",", defaultValue = "transformer,resnet", paramLabel = "NAME",
            description = "models to train, of: transformer, resnet (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--model-math", defaultValue = "preferred", paramLabel = "WIDTH",
            description = "the models' own arithmetic: scalar, preferred, 128, 256 or 512 (default: ${DEFAULT-VALUE});"
                    + " the table's first rows check that two runs of each model agree with it")
    String modelMath;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "directory of the Fashion-MNIST IDX files (default: " + FashionMnist.DEFAULT_DIR + ")")
    Path dataDir;

    @Option(names = "--fortunes-dir", paramLabel = "DIR",
            description = "directory of the fortune cookie files (default: " + Fortunes.DEFAULT_DIR + ")")
    Path fortunesDir;

    @Override
    public Integer call() {
        if (!List.of("scalar", "preferred", "128", "256", "512").contains(modelMath)) {
            return fail("--model-math must be scalar, preferred, 128, 256 or 512, got " + modelMath);
        }
        // Set before the first model class loads: Simd reads it once per JVM (the table says what ran).
        String given = System.getProperty(Simd.PROPERTY);
        if (given == null) {
            System.setProperty(Simd.PROPERTY, modelMath);
        } else if (!given.equals(modelMath) && !modelMath.equals("preferred")) {
            return fail("--model-math " + modelMath + " contradicts -D" + Simd.PROPERTY + "="
                    + System.getProperty(Simd.PROPERTY));
        }
        for (String m : models) {
            if (!Workloads.NAMES.contains(m)) {
                return fail("unknown model '" + m + "'; known: " + Workloads.NAMES);
            }
        }
        try {
            // Names and backends first, so that a typo is reported as such whatever data is installed.
            for (String name : List.of(device, oracle)) {
                Backends.open(name).close();
            }
            Corpora.readFrom(dataDir == null ? Path.of(FashionMnist.DEFAULT_DIR) : dataDir,
                    fortunesDir == null ? Path.of(Fortunes.DEFAULT_DIR) : fortunesDir);
            List<Workload> workloads = Workloads.named(models);
            DeviceCheck.Report report = new DeviceCheck(workloads, oracle, device, budget, seed, steps).run(System.out);
            return report.allAgree() ? 0 : 1;
        } catch (DatasetNotFoundException e) {
            return fail(e.getMessage());
        } catch (BackendUnavailableException e) {
            return fail("cannot open the backend: " + e.getMessage());
        } catch (IllegalArgumentException | IOException e) {
            return fail(e.getMessage());
        } catch (ExceptionInInitializerError e) {
            return fail(String.valueOf(e.getCause() == null ? e : e.getCause().getMessage()));
        }
    }

    private static int fail(String message) {
        System.err.println("nanoadam conformance: " + message);
        return 2;
    }
}
