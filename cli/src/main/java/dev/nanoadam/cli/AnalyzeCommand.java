package dev.nanoadam.cli;

import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.experiments.analysis.GradientWeightRatio;
import dev.nanoadam.experiments.Console;
import dev.nanoadam.experiments.FineTuning;
import dev.nanoadam.experiments.ModelFactory;
import dev.nanoadam.experiments.OptimizerSpec;
import dev.nanoadam.experiments.Tasks;
import dev.nanoadam.experiments.report.Plots;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.train.Trainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nanoadam analyze}: the paper's Figure 1 and Eq. (1) on a model being fine-tuned. From the
 * pretrained model with a new task-2 head (after {@code --steps} AdamW steps on task 2, if asked),
 * the gradient of the task-2 loss is averaged over {@code --batches} batches; then for every
 * parameter NanoAdam selects in (the SPARSE group) it draws |gradient| against |weight| and
 * computes the ratio r of {@link GradientWeightRatio}.
 */
@Command(name = "analyze", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Where do large gradients fall? Per layer of a model being fine-tuned: a scatter plot of |gradient| "
            + "against |weight| (PNG) and the paper's ratio r (Eq. 1): median |w| of the top 0.01% gradients over the "
            + "largest |w| of the bottom 80%. Small r: large gradients sit on small weights."})
final class AnalyzeCommand implements Callable<Integer> {
    @Mixin
    ExperimentOptions options;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "0",
            description = "AdamW fine-tuning steps on task 2 before measuring (default: ${DEFAULT-VALUE}: the start of fine-tuning)")
    int steps;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "AdamW's rate for those steps (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--batches", paramLabel = "N", defaultValue = "8",
            description = "task-2 batches the gradient is averaged over (default: ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
            description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--top", paramLabel = "F", defaultValue = "0.0001",
            description = "fraction with the largest |gradient| (default: ${DEFAULT-VALUE}, the paper's 0.01%)")
    double top;

    @Option(names = "--bottom", paramLabel = "F", defaultValue = "0.8",
            description = "fraction with the smallest |gradient| (default: ${DEFAULT-VALUE})")
    double bottom;

    @Option(names = "--points", paramLabel = "N", defaultValue = "20000",
            description = "most points per scatter plot, evenly sampled (default: ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--pretrained", paramLabel = "FILE",
            description = "start from these weights, or 'none' (default: the cached pretraining, made if missing)")
    String pretrained;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "nanoadam-analyze",
            description = "output directory (default: ./${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (steps < 0 || batches < 1 || batchSize < 1 || points < 1) {
            throw new IllegalArgumentException("need --steps >= 0 and --batches, --batch-size, --points >= 1, got "
                    + steps + ", " + batches + ", " + batchSize + ", " + points);
        }
        if (!(top > 0 && top <= 1) || !(bottom > 0 && bottom <= 1)) {
            throw new IllegalArgumentException("--top and --bottom must be in (0, 1], got " + top + " and " + bottom);
        }
        Console console = Console.system();
        ModelFactory factory = options.modelFactory();
        if (steps > 0) {
            options.checkBackend();
        }
        Tasks tasks = options.loadTasks();
        ExperimentOptions.Start start = options.start(factory, tasks, pretrained, console);
        FineTuning fineTuning = new FineTuning(factory, tasks, start.model(), start.task1Accuracy(),
                options.fineTuning(Math.max(1, steps), batchSize), console);
        Classifier model = fineTuning.startingModel();
        BatchLoader loader = new BatchLoader(tasks.task2Train(), batchSize, true, options.seed, true);
        if (steps > 0) {
            try (Optimizer opt = OptimizerSpec.adamw(lr, options.backend).build(model, steps)) {
                Trainer.builder(model, loader).optimizers(opt).listener(console.progress("fine-tune adamw")).build().run(steps);
            }
        }
        List<Parameter> layers = model.sparseParameters();
        double[][] sums = new double[layers.size()][];
        for (int l = 0; l < layers.size(); l++) {
            sums[l] = new double[layers.get(l).size()];
        }
        model.train(true);
        for (int b = 0; b < batches; b++) {
            model.lossAndGradients(loader.next());
            for (int l = 0; l < layers.size(); l++) {
                float[] g = layers.get(l).grad();
                for (int i = 0; i < g.length; i++) {
                    sums[l][i] += g[i];
                }
            }
        }
        Files.createDirectories(out);
        List<GradientWeightRatio.Ratio> ratios = new ArrayList<>();
        List<Object> json = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            Parameter p = layers.get(l);
            float[] mean = new float[p.size()];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = (float) (sums[l][i] / batches);
            }
            GradientWeightRatio.Ratio r = GradientWeightRatio.of(p.name(), p.data(), mean, top, bottom);
            ratios.add(r);
            String png = "scatter-" + p.name().replaceAll("[^A-Za-z0-9_.-]", "_") + ".png";
            Plots.scatter(out.resolve(png), String.format(Locale.ROOT, "%s %s  r = %.3f", p.name(),
                    Arrays.toString(p.shape()), r.r()), p.data(), mean, points);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", p.name());
            row.put("shape", Arrays.stream(p.shape()).mapToObj(d -> (Object) (long) d).toList());
            row.put("weights", (long) r.size());
            row.put("top_count", (long) r.topCount());
            row.put("bottom_count", (long) r.bottomCount());
            row.put("median_top_weight", r.medianTopWeight());
            row.put("max_bottom_weight", r.maxBottomWeight());
            row.put("r", Double.isFinite(r.r()) ? (Object) r.r() : null);
            row.put("plot", png);
            json.add(row);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", factory.spec());
        root.put("data", tasks.data().cliName());
        root.put("classes", Tasks.describe(tasks.task2Classes()));
        root.put("steps", (long) steps);
        root.put("batches", (long) batches);
        root.put("batch_size", (long) batchSize);
        root.put("top", top);
        root.put("bottom", bottom);
        root.put("layers", json);
        AtomicFiles.write(out.resolve("analyze.json"), (Json.write(root) + "\n").getBytes(StandardCharsets.UTF_8));
        console.say("");
        console.say(table(ratios).stripTrailing());
        console.say("");
        console.say("r = median |w| of the top " + percent(top) + " |gradient| / max |w| of the bottom " + percent(bottom)
                + " |gradient| (the paper's Eq. 1); smaller r, larger gradients on smaller weights");
        console.say("wrote analyze.json and " + ratios.size() + " scatter plots to " + out);
        return 0;
    }

    private static String percent(double f) {
        return new java.math.BigDecimal(100 * f).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString() + "%";
    }

    static String table(List<GradientWeightRatio.Ratio> ratios) {
        int nameWidth = "layer".length();
        for (GradientWeightRatio.Ratio r : ratios) {
            nameWidth = Math.max(nameWidth, r.name().length());
        }
        StringBuilder sb = new StringBuilder();
        String fmt = "%-" + nameWidth + "s  %9s  %5s  %11s  %11s  %7s%n";
        sb.append(String.format(Locale.ROOT, fmt, "layer", "weights", "top", "median|w|top", "max|w|bottom", "r"));
        for (GradientWeightRatio.Ratio r : ratios) {
            sb.append(String.format(Locale.ROOT, fmt, r.name(), r.size(), r.topCount(),
                    String.format(Locale.ROOT, "%.3e", r.medianTopWeight()),
                    String.format(Locale.ROOT, "%.3e", r.maxBottomWeight()),
                    String.format(Locale.ROOT, "%.3f", r.r())));
        }
        return sb.toString();
    }
}
