package dev.nanoadam.cli;

import dev.nanoadam.experiments.Accuracy;
import dev.nanoadam.experiments.Console;
import dev.nanoadam.experiments.FineTuning;
import dev.nanoadam.experiments.ImageData;
import dev.nanoadam.experiments.ModelFactory;
import dev.nanoadam.experiments.Models;
import dev.nanoadam.experiments.Pretraining;
import dev.nanoadam.experiments.Tasks;
import dev.nanoadam.spi.Backends;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.io.ModelWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options demo, finetune and analyze share: model, data, tasks, pretraining, evaluation,
 * backend, seed and cache. Their defaults are the demo's, so every command finds the demo's cached
 * pretraining unless told otherwise.
 */
final class ExperimentOptions {
    /** The demo's learning rates (docs/DEMO.md gives the sweep each comes from). */
    static final String LR_NANOADAM = "5e-3";
    static final String LR_ADAMW = "1e-3";
    static final String LR_ADAMW8BIT = "1e-3";
    static final String LR_GALORE = "1e-3";
    static final String LR_MICROADAM = "1e-3";

    /** The demo's learning rate of {@code kind}, which {@code finetune} takes by default too. */
    static double demoLearningRate(dev.nanoadam.experiments.OptimizerSpec.Kind kind) {
        return Double.parseDouble(switch (kind) {
            case NANOADAM -> LR_NANOADAM;
            case ADAMW -> LR_ADAMW;
            case ADAMW8BIT -> LR_ADAMW8BIT;
            case GALORE -> LR_GALORE;
            case MICROADAM -> LR_MICROADAM;
        });
    }

    /** Default model: the demo's. */
    static final String DEFAULT_MODEL = Models.DEMO;

    @Option(names = "--model", paramLabel = "SPEC", defaultValue = DEFAULT_MODEL,
            description = "model: NAME or NAME:KEY=VALUE,... (default: ${DEFAULT-VALUE}); see 'nanoadam models'")
    String model;

    @Option(names = "--data", paramLabel = "NAME", defaultValue = "fashion-mnist",
            description = "image data set: fashion-mnist or mnist (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "directory of the IDX files (default: where the data set's package installs them)")
    Path dataDir;

    @Option(names = "--pretrain-classes", paramLabel = "LIST", defaultValue = "0-4",
            description = "classes of task 1 (pretraining), e.g. 0-4 or 0,2,4 (default: ${DEFAULT-VALUE})")
    String pretrainClasses;

    @Option(names = "--classes", paramLabel = "LIST", defaultValue = "5-9",
            description = "classes of task 2 (fine-tuning) (default: ${DEFAULT-VALUE})")
    String classes;

    @Option(names = "--pretrain-steps", paramLabel = "N", defaultValue = "600",
            description = "AdamW steps on task 1 (default: ${DEFAULT-VALUE})")
    int pretrainSteps;

    @Option(names = "--pretrain-batch-size", paramLabel = "N", defaultValue = "64",
            description = "batch size on task 1 (default: ${DEFAULT-VALUE})")
    int pretrainBatchSize;

    @Option(names = "--pretrain-lr", paramLabel = "LR", defaultValue = "2e-3",
            description = "peak AdamW rate on task 1, warm-up then cosine decay (default: ${DEFAULT-VALUE})")
    double pretrainLr;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "25",
            description = "fine-tuning steps between points of the accuracy curves (default: ${DEFAULT-VALUE})")
    int evalEvery;

    @Option(names = "--curve-examples", paramLabel = "N", defaultValue = "500",
            description = "test examples per task for each curve point; final numbers use the whole test sets (default: ${DEFAULT-VALUE})")
    int curveExamples;

    @Option(names = "--test-examples", paramLabel = "N", defaultValue = "0",
            description = "final accuracies on the first N test examples of each task, for quick runs (default: 0, all)")
    int testExamples;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "cpu",
            description = "optimizer backend: cpu, cpu-scalar, opencl or opencl:P:D (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "seed of the initial weights, the new head and the batch order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "where pretrained models are kept (default: $XDG_CACHE_HOME/nanoadam or ~/.cache/nanoadam)")
    Path cacheDir;

    @Option(names = "--no-cache", description = "always pretrain, and keep nothing")
    boolean noCache;

    ModelFactory modelFactory() {
        return Models.open(model);
    }

    Tasks loadTasks() throws IOException {
        return Tasks.load(ImageData.byName(data), dataDir, Tasks.parseClasses(pretrainClasses), Tasks.parseClasses(classes),
                testExamples);
    }

    Pretraining.Settings pretraining() {
        return new Pretraining.Settings(pretrainSteps, pretrainBatchSize, pretrainLr, seed, backend);
    }

    FineTuning.Settings fineTuning(int steps, int batchSize) {
        return new FineTuning.Settings(steps, batchSize, seed, seed + 1, evalEvery, curveExamples, 250);
    }

    /** The cache directory, or null with {@code --no-cache}. */
    Path cache() {
        if (noCache) {
            return null;
        }
        if (cacheDir != null) {
            return cacheDir;
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "nanoadam");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "nanoadam");
    }

    /** A model with task-1 weights and its task-1 test accuracy. */
    record Start(Classifier model, double task1Accuracy) {
    }

    /**
     * The weights fine-tuning starts from: {@code pretrained} null takes the cached pretraining
     * (pretraining if missing), {@code "none"} fresh weights from the seed, anything else a
     * safetensors file with the task-1 head.
     */
    Start start(ModelFactory factory, Tasks tasks, String pretrained, Console console) throws IOException {
        if (pretrained == null) {
            Pretraining.Result pre = Pretraining.obtain(factory, tasks, pretraining(), cache(), console);
            return new Start(pre.model(), pre.task1Accuracy());
        }
        Classifier model = factory.create(tasks.channels(), tasks.height(), tasks.width(), tasks.task1Classes().length, seed);
        if (!pretrained.equals("none")) {
            ModelWeights.load(model, Path.of(pretrained));
        }
        double acc = new Accuracy(tasks.task1Test(), 250).of(model);
        console.say(String.format(Locale.ROOT, "task-1 test accuracy of the starting weights: %.4f", acc));
        return new Start(model, acc);
    }

    /**
     * Opens and closes the backend once, so that one that cannot start fails before any training
     * (never a silent fallback). A device backend says on standard error which device runs.
     */
    void checkBackend() {
        Backends.open(backend).close();
    }
}
