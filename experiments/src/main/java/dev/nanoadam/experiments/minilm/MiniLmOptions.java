package dev.nanoadam.experiments.minilm;

import dev.nanoadam.experiments.OptimizerSpec;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the MiniLM fine-tuning experiment ({@link MiniLmFinetune#run}).
 *
 * @param classes         fortune cookie files whose entries form the classes, at least two
 * @param maxPerClass     entries drawn (seeded) from each file, or 0 for all
 * @param heldOutFraction share of each class held out for evaluation, in (0, 1)
 * @param seqLen          WordPiece tokens per example, [CLS] and [SEP] included (longer entries are cut)
 * @param batchSize       examples per training step
 * @param steps           training steps of each optimizer: the shared budget
 * @param evaluateEvery   held-out accuracy every this many steps (and at step 0 and the end)
 * @param warmupSteps     linear warm-up of the learning rate, then cosine decay to 10 % at {@code steps}
 * @param learningRates   each optimizer's peak learning rate, by name; holds every name of {@link #OPTIMIZER_NAMES}
 * @param density         NanoAdam's density k (share of each chunk of encoder weights updated)
 * @param maskInterval    NanoAdam's mask refresh interval m, in steps
 * @param weightDecay     decoupled weight decay of both optimizers
 * @param optimizers      which optimizers to run, in order, from {@link #OPTIMIZER_NAMES}
 * @param driftSentences  King James verses (seeded sample) whose embeddings measure encoder drift
 * @param driftSeqLen     WordPiece tokens per drift verse
 * @param backend         optimizer backend name ({@code cpu}, {@code cpu-scalar}, {@code opencl}, ...)
 * @param seed            seed of the split, the head's initial weights, the batch order and the verse sample
 * @param out             folder for {@value MiniLmFinetune#RESULTS_FILE} and the plots
 * @param fortunesDir     folder of the fortune cookie files
 * @param bibleFile       the King James Bible data file of bible-kjv-text
 */
public record MiniLmOptions(List<String> classes, int maxPerClass, double heldOutFraction, int seqLen, int batchSize,
                            int steps, int evaluateEvery, int warmupSteps, Map<String, Double> learningRates,
                            double density, int maskInterval, double weightDecay, List<String> optimizers,
                            int driftSentences, int driftSeqLen, String backend, long seed, Path out,
                            Path fortunesDir, Path bibleFile) {

    /** Optimizer names {@link #optimizers} may hold. */
    public static final List<String> OPTIMIZER_NAMES = OptimizerSpec.NAMES;

    /** The default peak learning rates: see {@link #defaults()}. */
    static final Map<String, Double> DEFAULT_RATES = rates(1e-3, 1e-4, 1e-4, 1e-3, 1e-3);

    /** A rate map in {@link #OPTIMIZER_NAMES}' order: nanoadam, adamw, adamw8bit, galore, microadam. */
    public static Map<String, Double> rates(double nanoadam, double adamw, double adamw8bit, double galore, double microadam) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("nanoadam", nanoadam);
        m.put("adamw", adamw);
        m.put("adamw8bit", adamw8bit);
        m.put("galore", galore);
        m.put("microadam", microadam);
        return m;
    }

    /** The peak learning rate of {@code optimizer}. */
    public double learningRate(String optimizer) {
        Double lr = learningRates.get(optimizer);
        if (lr == null) {
            throw new IllegalArgumentException("no learning rate for '" + optimizer + "'; known: " + OPTIMIZER_NAMES);
        }
        return lr;
    }

    /** Checks every field; an error names the field and its value. */
    public MiniLmOptions {
        classes = List.copyOf(Objects.requireNonNull(classes, "classes"));
        learningRates = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(learningRates, "learningRates")));
        optimizers = List.copyOf(Objects.requireNonNull(optimizers, "optimizers"));
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(fortunesDir, "fortunesDir");
        Objects.requireNonNull(bibleFile, "bibleFile");
        if (classes.size() < 2 || classes.stream().distinct().count() != classes.size()) {
            throw new IllegalArgumentException("classes: need at least two distinct fortune files, got " + classes);
        }
        require(maxPerClass >= 0, "maxPerClass", maxPerClass, ">= 0");
        require(heldOutFraction > 0 && heldOutFraction < 1, "heldOutFraction", heldOutFraction, "in (0, 1)");
        require(seqLen >= 3 && seqLen <= 512, "seqLen", seqLen, "in [3, 512] (the model has 512 positions)");
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
        require(steps >= 1, "steps", steps, ">= 1");
        require(evaluateEvery >= 1, "evaluateEvery", evaluateEvery, ">= 1");
        require(warmupSteps >= 0 && warmupSteps < steps, "warmupSteps", warmupSteps, "in [0, steps)");
        require(learningRates.keySet().equals(new java.util.HashSet<>(OPTIMIZER_NAMES)), "learningRates", learningRates,
                "one rate for each of " + OPTIMIZER_NAMES);
        for (Map.Entry<String, Double> e : learningRates.entrySet()) {
            double lr = e.getValue();
            require(Double.isFinite(lr) && lr > 0, e.getKey() + " learning rate", lr, "finite and > 0");
        }
        require(density > 0 && density <= 1, "density", density, "in (0, 1]");
        require(maskInterval >= 1, "maskInterval", maskInterval, ">= 1");
        require(Double.isFinite(weightDecay) && weightDecay >= 0, "weightDecay", weightDecay, "finite and >= 0");
        require(!optimizers.isEmpty() && OPTIMIZER_NAMES.containsAll(optimizers)
                && optimizers.stream().distinct().count() == optimizers.size(), "optimizers", optimizers,
                "a non-empty list of distinct names from " + OPTIMIZER_NAMES);
        for (String name : optimizers) {
            require(backend.equals("cpu") || OptimizerSpec.parseKind(name).hasBackends(), "backend", backend,
                    "cpu for " + name + ", which runs only on the cpu backend");
        }
        require(driftSentences >= 1, "driftSentences", driftSentences, ">= 1");
        require(driftSeqLen >= 3 && driftSeqLen <= 512, "driftSeqLen", driftSeqLen, "in [3, 512]");
    }

    /**
     * The defaults, sized to finish in about 15 minutes on two shared cores: five topics of
     * distinct vocabulary, 300 entries each, 20 % held out; 64 tokens, batches of 16, 300 steps per
     * optimizer (four epochs) with 30 steps of warm-up; NanoAdam at ten times AdamW's rate, the
     * paper's finding that small weights need larger rates (1e-3 and 1e-4 also came out best of
     * {3e-4, 1e-3} and {3e-5, 1e-4} in 40-step trial runs); AdamW8bit at AdamW's rate (it follows
     * AdamW closely in every sweep made), GaLore and MicroAdam at 1e-3, the rate the continual-learning
     * experiment's sweep chose for both on the same encoder and topics (docs/CONTINUAL-MINILM.md);
     * NanoAdam and AdamW run unless told otherwise; 512 verses for drift.
     */
    public static MiniLmOptions defaults() {
        return new MiniLmOptions(List.of("computers", "politics", "science", "work", "men-women"), 300, 0.2, 64, 16,
                300, 30, 30, DEFAULT_RATES, 0.1, 50, 0.0, List.of("nanoadam", "adamw"),
                512, 64, "cpu", 42L, Path.of("nanoadam-out"),
                Path.of(dev.nanoadam.models.data.Fortunes.DEFAULT_DIR),
                Path.of(dev.nanoadam.models.data.BibleKjv.DEFAULT_FILE));
    }

    /** These options with a different step budget, evaluation interval and warm-up. */
    public MiniLmOptions withSteps(int newSteps, int newEvaluateEvery, int newWarmupSteps) {
        return new MiniLmOptions(classes, maxPerClass, heldOutFraction, seqLen, batchSize, newSteps, newEvaluateEvery,
                newWarmupSteps, learningRates, density, maskInterval, weightDecay, optimizers, driftSentences,
                driftSeqLen, backend, seed, out, fortunesDir, bibleFile);
    }

    /** These options writing into {@code folder}. */
    public MiniLmOptions withOut(Path folder) {
        return new MiniLmOptions(classes, maxPerClass, heldOutFraction, seqLen, batchSize, steps, evaluateEvery,
                warmupSteps, learningRates, density, maskInterval, weightDecay, optimizers, driftSentences,
                driftSeqLen, backend, seed, folder, fortunesDir, bibleFile);
    }

    /** These options with a different data size: entries per class, sequence length, batch size, drift verses. */
    public MiniLmOptions withData(int newMaxPerClass, int newSeqLen, int newBatchSize, int newDriftSentences) {
        return new MiniLmOptions(classes, newMaxPerClass, heldOutFraction, newSeqLen, newBatchSize, steps, evaluateEvery,
                warmupSteps, learningRates, density, maskInterval, weightDecay, optimizers, newDriftSentences,
                driftSeqLen, backend, seed, out, fortunesDir, bibleFile);
    }

    private static void require(boolean ok, String field, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(field + " = " + value + ": must be " + rule);
        }
    }
}
