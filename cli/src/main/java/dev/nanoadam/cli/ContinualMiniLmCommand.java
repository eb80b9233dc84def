package dev.nanoadam.cli;

import dev.nanoadam.experiments.Console;
import dev.nanoadam.experiments.OptimizerSpec;
import dev.nanoadam.experiments.minilm.ContinualMiniLm;
import dev.nanoadam.experiments.minilm.ContinualOptions;
import dev.nanoadam.experiments.minilm.MiniLmEncoder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nanoadam continual-minilm}: the continual-learning experiment of {@link ContinualMiniLm}
 * with every setting of {@link ContinualOptions} as an option, defaults from {@link ContinualOptions#defaults()}.
 */
@Command(name = "continual-minilm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continual learning on the pretrained sentence encoder all-MiniLM-L6-v2 with NanoAdam, AdamW, "
                + "AdamW8bit, GaLore and MicroAdam: task 1 fortune topics (Debian 'fortunes'), then task 2 which book "
                + "of the King James Bible a verse is from (Debian 'bible-kjv-text'), then task 1 again with its "
                + "head restored, to measure forgetting.",
                "Each optimizer's learning rate comes from a short sweep scored on task 1's validation split. "
                + "Writes continual-minilm-results.json, continual-minilm-table.md and continual-minilm-summary.png."})
public final class ContinualMiniLmCommand implements Callable<Integer> {
    private static final ContinualOptions D = ContinualOptions.defaults();

    @Option(names = "--fortunes", split = ",", paramLabel = "FILE,...",
            description = "task 1: fortune files, one class each (default: ${DEFAULT-VALUE})")
    List<String> fortunes = D.fortuneClasses();

    @Option(names = "--books", split = ",", paramLabel = "BOOK,...",
            description = "task 2: King James Bible books as the data file spells them (Ge, Exo, Psa, Mat, Rom, Rev, ...), "
                    + "or chapter ranges (Ge:1-11), one class each (default: ${DEFAULT-VALUE})")
    List<String> books = D.bibleClasses();

    @Option(names = "--per-class", paramLabel = "N", description = "examples drawn from each class, 0 for all (default: ${DEFAULT-VALUE})")
    int perClass = D.perClass();

    @Option(names = "--test", paramLabel = "F", description = "share of each class kept for the final accuracies (default: ${DEFAULT-VALUE})")
    double test = D.testFraction();

    @Option(names = "--validation", paramLabel = "F", description = "share of each class the sweep is scored on (default: ${DEFAULT-VALUE})")
    double validation = D.validationFraction();

    @Option(names = "--seq-len", paramLabel = "N", description = "WordPiece tokens per example (default: ${DEFAULT-VALUE})")
    int seqLen = D.seqLen();

    @Option(names = "--batch-size", paramLabel = "N", description = "examples per step (default: ${DEFAULT-VALUE})")
    int batchSize = D.batchSize();

    @Option(names = "--task1-steps", paramLabel = "N", description = "steps on task 1 (default: ${DEFAULT-VALUE})")
    int task1Steps = D.task1Steps();

    @Option(names = "--task2-steps", paramLabel = "N", description = "steps on task 2 (default: ${DEFAULT-VALUE})")
    int task2Steps = D.task2Steps();

    @Option(names = "--sweep-steps", paramLabel = "N", description = "steps of each sweep run (default: ${DEFAULT-VALUE})")
    int sweepSteps = D.sweepSteps();

    @Option(names = {"--optimizer", "--optimizers"}, split = ",", paramLabel = "NAME,...",
            description = "which to run, in this order, from nanoadam, adamw, adamw8bit, galore, microadam (default: ${DEFAULT-VALUE})")
    List<String> optimizers = D.optimizers();

    @Option(names = "--rates", paramLabel = "NAME=R1/R2/...", mapFallbackValue = "",
            description = "an optimizer's candidate rates, ascending; one rate skips its sweep (default: nanoadam=3e-4/1e-3/3e-3 "
                    + "adamw=3e-5/1e-4/3e-4 adamw8bit=3e-5/1e-4/3e-4 galore=1e-4/3e-4/1e-3 microadam=1e-4/3e-4/1e-3)")
    Map<String, String> rates = new LinkedHashMap<>();

    @Option(names = "--density", paramLabel = "K", description = "NanoAdam's density (default: ${DEFAULT-VALUE})")
    double density = D.density();

    @Option(names = "--mask-interval", paramLabel = "M", description = "NanoAdam's mask interval (default: ${DEFAULT-VALUE})")
    int maskInterval = D.maskInterval();

    @Option(names = "--backend", paramLabel = "NAME",
            description = "backend of NanoAdam and AdamW: cpu, cpu-scalar, opencl, ... (the others run on cpu only) (default: ${DEFAULT-VALUE})")
    String backend = D.backend();

    @Option(names = "--seed", paramLabel = "S", description = "seed of the splits, heads and batch order (default: ${DEFAULT-VALUE})")
    long seed = D.seed();

    @Option(names = "--out", paramLabel = "DIR", description = "folder for results, table and plot (default: ${DEFAULT-VALUE})")
    Path out = D.out();

    @Option(names = "--fortunes-dir", paramLabel = "DIR", description = "fortune cookie files (default: ${DEFAULT-VALUE})")
    Path fortunesDir = D.fortunesDir();

    @Option(names = "--bible", paramLabel = "FILE", description = "bible-kjv-text data file (default: ${DEFAULT-VALUE})")
    Path bible = D.bibleFile();

    /** The options given on the command line, checked. */
    public ContinualOptions options() {
        Map<String, List<Double>> grid = new LinkedHashMap<>(ContinualOptions.DEFAULT_RATES);
        for (Map.Entry<String, String> e : rates.entrySet()) {
            String name = OptimizerSpec.parseKind(e.getKey()).cliName();
            grid.put(name, ContinualOptions.parseRates(name, e.getValue()));
        }
        List<String> names = OptimizerSpec.parseKinds(optimizers, "--optimizer").stream()
                .map(OptimizerSpec.Kind::cliName).toList();
        return new ContinualOptions(fortunes, books, perClass, test, validation, seqLen, batchSize, task1Steps, task2Steps,
                sweepSteps, grid, names, density, maskInterval, backend, seed, out, fortunesDir, bible);
    }

    @Override
    public Integer call() throws Exception {
        ContinualOptions o = options();
        ContinualMiniLm.run(o, MiniLmEncoder.load(), Console.system());
        return 0;
    }
}
