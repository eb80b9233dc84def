package dev.nanoadam.cli;

import dev.nanoadam.experiments.minilm.MiniLmFinetune;
import dev.nanoadam.experiments.minilm.MiniLmOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nanoadam finetune-minilm}: the MiniLM fortune-topics experiment with every setting of
 * {@link MiniLmOptions} as an option, defaults from {@link MiniLmOptions#defaults()}.
 */
@Command(name = "finetune-minilm", mixinStandardHelpOptions = true,
        description = {"Fine-tune the pretrained sentence encoder all-MiniLM-L6-v2 with a classification head on "
                + "fortune topics (Debian 'fortunes'), with NanoAdam and AdamW (or any of AdamW8bit, GaLore, MicroAdam) on the same budget.",
                "Reports held-out accuracy, encoder drift (cosine of King James verse embeddings before and after), "
                + "optimizer state bytes, peak heap and time; writes minilm-results.json and two PNG plots."})
public final class FinetuneMiniLmCommand implements Callable<Integer> {
    private static final MiniLmOptions D = MiniLmOptions.defaults();

    @Option(names = "--classes", split = ",", paramLabel = "FILE,...",
            description = "fortune files, one class each (default: ${DEFAULT-VALUE})")
    List<String> classes = D.classes();

    @Option(names = "--per-class", paramLabel = "N", description = "entries drawn from each file, 0 for all (default: ${DEFAULT-VALUE})")
    int maxPerClass = D.maxPerClass();

    @Option(names = "--held-out", paramLabel = "F", description = "share of each class held out (default: ${DEFAULT-VALUE})")
    double heldOut = D.heldOutFraction();

    @Option(names = "--seq-len", paramLabel = "N", description = "WordPiece tokens per example (default: ${DEFAULT-VALUE})")
    int seqLen = D.seqLen();

    @Option(names = "--batch-size", paramLabel = "N", description = "examples per step (default: ${DEFAULT-VALUE})")
    int batchSize = D.batchSize();

    @Option(names = "--steps", paramLabel = "N", description = "training steps per optimizer (default: ${DEFAULT-VALUE})")
    int steps = D.steps();

    @Option(names = "--eval-every", paramLabel = "N", description = "held-out accuracy every N steps (default: ${DEFAULT-VALUE})")
    int evalEvery = D.evaluateEvery();

    @Option(names = "--warmup", paramLabel = "N", description = "warm-up steps before the cosine decay (default: ${DEFAULT-VALUE})")
    int warmup = D.warmupSteps();

    @Option(names = "--nanoadam-lr", paramLabel = "LR", description = "NanoAdam's peak learning rate (default: ${DEFAULT-VALUE})")
    double nanoAdamLr = D.learningRate("nanoadam");

    @Option(names = "--adamw-lr", paramLabel = "LR", description = "AdamW's peak learning rate (default: ${DEFAULT-VALUE})")
    double adamwLr = D.learningRate("adamw");

    @Option(names = "--adamw8bit-lr", paramLabel = "LR", description = "AdamW8bit's peak learning rate (default: ${DEFAULT-VALUE})")
    double adamw8bitLr = D.learningRate("adamw8bit");

    @Option(names = "--galore-lr", paramLabel = "LR", description = "GaLore's peak learning rate (default: ${DEFAULT-VALUE})")
    double galoreLr = D.learningRate("galore");

    @Option(names = "--microadam-lr", paramLabel = "LR", description = "MicroAdam's peak learning rate (default: ${DEFAULT-VALUE})")
    double microAdamLr = D.learningRate("microadam");

    @Option(names = "--density", paramLabel = "K", description = "NanoAdam's density (default: ${DEFAULT-VALUE})")
    double density = D.density();

    @Option(names = "--mask-interval", paramLabel = "M", description = "NanoAdam's mask interval (default: ${DEFAULT-VALUE})")
    int maskInterval = D.maskInterval();

    @Option(names = "--weight-decay", paramLabel = "WD", description = "decoupled weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = D.weightDecay();

    @Option(names = {"--optimizer", "--optimizers"}, split = ",", paramLabel = "NAME,...",
            description = "which to run, in this order, from nanoadam, adamw, adamw8bit, galore, microadam (default: ${DEFAULT-VALUE})")
    List<String> optimizers = D.optimizers();

    @Option(names = "--drift-verses", paramLabel = "N", description = "King James verses for drift (default: ${DEFAULT-VALUE})")
    int driftVerses = D.driftSentences();

    @Option(names = "--backend", paramLabel = "NAME", description = "optimizer backend: cpu, cpu-scalar, opencl, ... (default: ${DEFAULT-VALUE})")
    String backend = D.backend();

    @Option(names = "--seed", paramLabel = "S", description = "seed of split, head, batch order and verses (default: ${DEFAULT-VALUE})")
    long seed = D.seed();

    @Option(names = "--out", paramLabel = "DIR", description = "folder for results and plots (default: ${DEFAULT-VALUE})")
    Path out = D.out();

    @Option(names = "--fortunes-dir", paramLabel = "DIR", description = "fortune cookie files (default: ${DEFAULT-VALUE})")
    Path fortunesDir = D.fortunesDir();

    @Option(names = "--bible", paramLabel = "FILE", description = "bible-kjv-text data file (default: ${DEFAULT-VALUE})")
    Path bible = D.bibleFile();

    /** The options given on the command line, checked. */
    public MiniLmOptions options() {
        return new MiniLmOptions(classes, maxPerClass, heldOut, seqLen, batchSize, steps, evalEvery, warmup,
                MiniLmOptions.rates(nanoAdamLr, adamwLr, adamw8bitLr, galoreLr, microAdamLr), density, maskInterval, weightDecay, optimizers, driftVerses, D.driftSeqLen(), backend, seed, out,
                fortunesDir, bible);
    }

    @Override
    public Integer call() {
        MiniLmOptions o;
        try {
            o = options();
        } catch (IllegalArgumentException e) {
            System.err.println("nanoadam finetune-minilm: " + e.getMessage());
            return 2;
        }
        return MiniLmFinetune.run(o);
    }
}
