package dev.nanoadam.cli;

import dev.nanoadam.Criterion;
import dev.nanoadam.experiments.Console;
import dev.nanoadam.experiments.FineTuning;
import dev.nanoadam.experiments.ModelFactory;
import dev.nanoadam.experiments.OptimizerSpec;
import dev.nanoadam.experiments.Pretraining;
import dev.nanoadam.experiments.Results;
import dev.nanoadam.experiments.Tasks;
import dev.nanoadam.experiments.report.Plots;
import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.models.io.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nanoadam demo}: the paper's continual-learning experiment (Table 4 and Table 5) at small
 * scale: pretrain on task 1, fine-tune on task 2 with each optimizer asked for (NanoAdam and the
 * paper's baselines AdamW, AdamW8bit, GaLore, MicroAdam) from the same weights on the same batches,
 * and report accuracy on both tasks, forgetting, backbone shift and memory.
 */
@Command(name = "demo", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Continual learning on Fashion-MNIST: pretrain a ResNet on classes 0-4 (cached), fine-tune it on "
            + "classes 5-9 with NanoAdam, AdamW, AdamW8bit, GaLore and MicroAdam, and compare what each forgets, "
            + "moves and keeps in memory.",
            "Writes results.json, config.json, curves.csv, accuracy.png and summary.png to --out."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ExperimentOptions options;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300",
            description = "fine-tuning steps for each optimizer (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
            description = "fine-tuning batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--optimizer", paramLabel = "LIST", defaultValue = "nanoadam,adamw,adamw8bit,galore,microadam",
            description = "optimizers to run, in this order: nanoadam, adamw, adamw8bit, galore, microadam "
                + "(default: ${DEFAULT-VALUE})")
    List<String> optimizers;

    @Option(names = "--lr-nanoadam", paramLabel = "LR", defaultValue = ExperimentOptions.LR_NANOADAM,
            description = "NanoAdam's learning rate (default: ${DEFAULT-VALUE})")
    double lrNanoAdam;

    @Option(names = "--lr-adamw", paramLabel = "LR", defaultValue = ExperimentOptions.LR_ADAMW,
            description = "AdamW's learning rate (default: ${DEFAULT-VALUE})")
    double lrAdamW;

    @Option(names = "--lr-adamw8bit", paramLabel = "LR", defaultValue = ExperimentOptions.LR_ADAMW8BIT,
            description = "AdamW8bit's learning rate (default: ${DEFAULT-VALUE})")
    double lrAdamW8bit;

    @Option(names = "--lr-galore", paramLabel = "LR", defaultValue = ExperimentOptions.LR_GALORE,
            description = "GaLore's learning rate (default: ${DEFAULT-VALUE})")
    double lrGaLore;

    @Option(names = "--lr-microadam", paramLabel = "LR", defaultValue = ExperimentOptions.LR_MICROADAM,
            description = "MicroAdam's learning rate (default: ${DEFAULT-VALUE})")
    double lrMicroAdam;

    @Option(names = "--density", paramLabel = "K", defaultValue = "0.05",
            description = "fraction of each chunk NanoAdam updates (default: ${DEFAULT-VALUE})")
    double density;

    @Option(names = "--mask-interval", paramLabel = "M", defaultValue = "100",
            description = "steps between NanoAdam's mask refreshes (default: ${DEFAULT-VALUE})")
    int maskInterval;

    @Option(names = "--criterion", paramLabel = "LIST", defaultValue = "smallest", split = ",",
            description = "NanoAdam selection criteria, each its own run: smallest, largest, random, large-gradient "
                + "(the paper's Fig. 4 ablation) (default: ${DEFAULT-VALUE})")
    List<String> criteria;

    @Option(names = "--warmup-steps", paramLabel = "N", defaultValue = "5",
            description = "untimed steps of each optimizer on a scratch copy first, so the JIT's start-up cost "
                + "does not land on the first timed run (default: ${DEFAULT-VALUE})")
    int warmupSteps;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "nanoadam-out",
            description = "output directory (default: ./${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        Console console = Console.system();
        options.checkBackend();   // an unknown or unavailable backend is named before the optimizers are checked against it
        List<OptimizerSpec> specs = new ArrayList<>();
        for (OptimizerSpec.Kind kind : OptimizerSpec.parseKinds(optimizers, "--optimizer")) {
            switch (kind) {
                case NANOADAM -> {
                    for (String c : criteria) {
                        Criterion criterion = OptimizerSpec.parseCriterion(c);
                        specs.add(OptimizerSpec.nanoadam(lrNanoAdam, density, maskInterval, criterion, options.backend,
                                options.seed));
                    }
                }
                case ADAMW -> specs.add(OptimizerSpec.adamw(lrAdamW, options.backend));
                case ADAMW8BIT -> specs.add(OptimizerSpec.baseline(kind, lrAdamW8bit, options.backend));
                case GALORE -> specs.add(OptimizerSpec.baseline(kind, lrGaLore, options.backend));
                case MICROADAM -> specs.add(OptimizerSpec.baseline(kind, lrMicroAdam, options.backend));
            }
        }
        for (int i = 0; i < specs.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (specs.get(i).label().equals(specs.get(j).label())) {
                    throw new IllegalArgumentException("--criterion lists '" + specs.get(i).label() + "' twice");
                }
            }
        }
        FineTuning.Settings settings = options.fineTuning(steps, batchSize);
        ModelFactory factory = options.modelFactory();
        Tasks tasks = options.loadTasks();
        Files.createDirectories(out);
        long start = System.nanoTime();
        console.say(String.format(Locale.ROOT, "%s: task 1 = classes %s, task 2 = classes %s; %s",
                tasks.data().title(), Tasks.describe(tasks.task1Classes()), Tasks.describe(tasks.task2Classes()),
                factory.description()));
        Pretraining.Result pre = Pretraining.obtain(factory, tasks, options.pretraining(), options.cache(), console);
        FineTuning fineTuning = new FineTuning(factory, tasks, pre.model(), pre.task1Accuracy(), settings, console);
        fineTuning.warmUp(specs, warmupSteps);
        List<FineTuning.Result> runs = new ArrayList<>();
        for (OptimizerSpec spec : specs) {
            runs.add(fineTuning.run(spec));
        }
        String title = String.format(Locale.ROOT, "%s: %d fine-tuning steps of %d on classes %s after classes %s",
                tasks.data().title(), steps, batchSize, Tasks.describe(tasks.task2Classes()),
                Tasks.describe(tasks.task1Classes()));
        Results.write(out.resolve("results.json"), runs);
        Results.writeCurves(out.resolve("curves.csv"), runs);
        writeConfig(out.resolve("config.json"), factory, tasks, pre, settings, specs);
        Plots.accuracyCurves(out.resolve("accuracy.png"), title, runs);
        Plots.summary(out.resolve("summary.png"), tasks.data().title() + " continual learning", runs);
        console.say("");
        console.say(Results.table(runs).stripTrailing());
        console.say("");
        console.say(String.format(Locale.ROOT, "wrote results.json, config.json, curves.csv, accuracy.png, summary.png to %s (%.0f s in all)",
                out, (System.nanoTime() - start) / 1e9));
        return 0;
    }

    private void writeConfig(Path file, ModelFactory factory, Tasks tasks, Pretraining.Result pre,
                             FineTuning.Settings s, List<OptimizerSpec> specs) throws java.io.IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", factory.spec());
        c.put("model_description", factory.description());
        c.put("data", tasks.data().cliName());
        c.put("pretraining", Pretraining.configJson(factory, tasks, options.pretraining()));
        c.put("pretraining_cached", pre.cached());
        c.put("pretraining_seconds", pre.seconds());
        Map<String, Object> ft = new LinkedHashMap<>();
        ft.put("steps", (long) s.steps());
        ft.put("batch_size", (long) s.batchSize());
        ft.put("data_seed", s.dataSeed());
        ft.put("head_seed", s.headSeed());
        ft.put("eval_every", (long) s.evalEvery());
        ft.put("curve_examples", (long) s.curveExamples());
        List<Object> opts = new ArrayList<>();
        for (OptimizerSpec spec : specs) {
            opts.add(spec.toJson());
        }
        ft.put("optimizers", opts);
        c.put("fine_tuning", ft);
        c.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        c.put("processors", (long) Runtime.getRuntime().availableProcessors());
        AtomicFiles.write(file, (Json.write(c) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
