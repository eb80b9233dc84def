package dev.nanoadam.experiments.minilm;

import dev.nanoadam.Criterion;
import dev.nanoadam.experiments.HeapPeak;
import dev.nanoadam.experiments.OptimizerSpec;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.data.TokenDataset;
import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.text.MeanPooling;
import dev.nanoadam.models.train.Evaluation;
import dev.nanoadam.LearningRateSchedule;
import dev.nanoadam.models.train.Trainer;
import dev.nanoadam.models.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fine-tunes a pretrained sentence encoder with a classification head on fortune topics, once
 * per optimizer asked for (NanoAdam and AdamW by default; AdamW8bit, GaLore, MicroAdam) under the same budget, and measures what the paper cares
 * about: held-out accuracy, how far the encoder drifted from what it was (the text analogue of
 * forgetting), optimizer state bytes, heap and time.
 *
 * <p>Same budget means: the same steps, the same batches in the same order (one loader seed), the
 * same warm-up and cosine schedule, the same initial head, each optimizer at its own peak rate.
 *
 * <p>Drift: the encoder's sentence embeddings (mean-pooled, normalised) of a seeded sample of
 * King James verses, a corpus the task never shows, are taken before and after fine-tuning; the
 * mean cosine similarity between the two is 1 for an encoder that did not change at all.
 *
 * <p>Output in {@link MiniLmOptions#out()}: {@value #RESULTS_FILE}, {@value #CURVES_PLOT} (held-out
 * accuracy and training loss over steps) and {@value #SUMMARY_PLOT} (accuracy, drift, state).
 */
public final class MiniLmFinetune {
    /** Name of the results file. */
    public static final String RESULTS_FILE = "minilm-results.json";
    /** Name of the plot of held-out accuracy and training loss over steps. */
    public static final String CURVES_PLOT = "minilm-curves.png";
    /** Name of the bar chart of the final numbers. */
    public static final String SUMMARY_PLOT = "minilm-summary.png";
    /** Examples per evaluation and embedding batch. */
    static final int EVAL_BATCH = 32;
    /** The cosine schedule ends at this share of the peak rate. */
    static final double FINAL_LR_FACTOR = 0.1;

    private MiniLmFinetune() {
    }

    /**
     * What one optimizer's run measured.
     *
     * @param optimizer         the optimizer's name, e.g. {@code nanoadam} or {@code adamw}
     * @param learningRate      peak learning rate
     * @param accuracy          held-out accuracy after the last step
     * @param evalSteps         steps at which held-out accuracy was measured (0 first)
     * @param evalAccuracy      held-out accuracy at each of {@code evalSteps}
     * @param losses            training loss of every step
     * @param driftCosine       mean cosine similarity of the verses' embeddings before and after
     * @param driftCosineMin    smallest such similarity
     * @param l2Shift           L2 norm of the change of all encoder weights
     * @param untouchedFraction share of encoder weights bit-identical to their pretrained values
     * @param stateBytes        optimizer state bytes (SPEC.md §9)
     * @param peakHeapBytes     sum of heap pool peaks during the run
     * @param liveHeapBytes     heap in use after a collection, model and optimizer alive
     * @param seconds           wall time of the run: training, evaluations and drift embeddings
     * @param trainSeconds      wall time of the training steps alone
     * @param backend           the backend the optimizer says ran
     */
    public record Run(String optimizer, double learningRate, double accuracy, long[] evalSteps, double[] evalAccuracy,
                      float[] losses, double driftCosine, double driftCosineMin, double l2Shift,
                      double untouchedFraction, long stateBytes, long peakHeapBytes, long liveHeapBytes,
                      double seconds, double trainSeconds, String backend) {
    }

    /** Everything the experiment measured, with the task and settings it ran under. */
    public record Report(String model, MiniLmOptions options, List<String> classNames, int trainExamples,
                         int heldOutExamples, int truncatedExamples, int driftVerses, double embedSeconds,
                         List<Run> runs) {
        /** The run of {@code optimizer}; an error naming the runs there are when absent. */
        public Run run(String optimizer) {
            for (Run r : runs) {
                if (r.optimizer().equals(optimizer)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("no run of '" + optimizer + "'; runs: " + runs.stream().map(Run::optimizer).toList());
        }
    }

    /**
     * Runs the experiment on all-MiniLM-L6-v2 from the classpath, printing progress and the table
     * to standard output. Returns the exit status: 0 when done, 1 when the data or the model is
     * missing or cannot be read (one line on standard error says what and how to get it), 2 for
     * settings the optimizers refuse.
     */
    public static int run(MiniLmOptions o) {
        return run(o, System.out, System.err);
    }

    /** As {@link #run(MiniLmOptions)}, printing to {@code out} and {@code err}. */
    public static int run(MiniLmOptions o, PrintStream out, PrintStream err) {
        try {
            run(o, MiniLmEncoder.load(), out);
            return 0;
        } catch (IOException e) {
            err.println("nanoadam: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("nanoadam: " + e.getMessage());
            return 2;
        }
    }

    /**
     * Runs the experiment with {@code encoder}, printing progress and the final table to
     * {@code log}, and writes {@value #RESULTS_FILE} and the two plots into {@code o.out()}.
     *
     * @throws IOException if the data cannot be read or the results cannot be written
     */
    public static Report run(MiniLmOptions o, PretrainedTextEncoder encoder, PrintStream log) throws IOException {
        TextData.Task task = TextData.fortuneTopics(o, encoder.tokenizer());
        List<String> verses = TextData.kjvSample(o.bibleFile(), o.driftSentences(), o.seed());
        TokenDataset drift = TextData.unlabelled("King James verses", verses, encoder.tokenizer(), o.driftSeqLen());
        log.printf(Locale.ROOT, "%s; %d classes %s: %d training and %d held-out fortunes (%d cut to %d tokens); "
                        + "drift on %d King James verses%n", encoder.description(), task.classNames().size(), task.classNames(),
                task.train().size(), task.heldOut().size(), task.truncated(), o.seqLen(), drift.size());
        Files.createDirectories(o.out());

        long t0 = System.nanoTime();
        float[] original;
        int width;
        {
            TextClassifier pretrained = encoder.newClassifier(task.classNames().size(), o.seed());
            width = pretrained.hiddenSize();
            original = embed(pretrained, drift);
        }
        double embedSeconds = (System.nanoTime() - t0) / 1e9;

        List<Run> runs = new ArrayList<>();
        for (String name : o.optimizers()) {
            runs.add(runOne(name, o, encoder, task, drift, original, width, log));
        }
        Report report = new Report(encoder.description(), o, task.classNames(), task.train().size(), task.heldOut().size(),
                task.truncated(), drift.size(), embedSeconds, List.copyOf(runs));
        printTable(report, log);
        writeJson(report, o.out().resolve(RESULTS_FILE));
        MiniLmPlots.write(report, o.out().resolve(CURVES_PLOT), o.out().resolve(SUMMARY_PLOT));
        log.println("wrote " + o.out().resolve(RESULTS_FILE) + ", " + o.out().resolve(CURVES_PLOT) + ", "
                + o.out().resolve(SUMMARY_PLOT));
        return report;
    }

    private static Run runOne(String name, MiniLmOptions o, PretrainedTextEncoder encoder, TextData.Task task,
                              TokenDataset drift, float[] original, int width, PrintStream log) {
        HeapPeak.reset();
        long start = System.nanoTime();
        TextClassifier model = encoder.newClassifier(task.classNames().size(), o.seed());
        double lr = o.learningRate(name);
        try (Optimizer opt = optimizer(name, model, o)) {
            float[] losses = new float[o.steps()];
            Trainer trainer = Trainer.builder(model, new BatchLoader(task.train(), o.batchSize(), true, o.seed(), true))
                    .optimizers(opt)
                    .schedule(LearningRateSchedule.warmupCosine(o.warmupSteps(), o.steps(), FINAL_LR_FACTOR))
                    .listener(new TrainingListener() {
                        @Override
                        public void onStep(long step, long epoch, float loss, double learningRate) {
                            losses[(int) step - 1] = loss;
                        }
                    })
                    .build();
            int evaluations = o.steps() / o.evaluateEvery() + (o.steps() % o.evaluateEvery() == 0 ? 1 : 2);
            long[] evalSteps = new long[evaluations];
            double[] evalAccuracy = new double[evaluations];
            int e = 0;
            evalAccuracy[e] = trainer.evaluate(task.heldOut(), EVAL_BATCH).accuracy();
            log.printf(Locale.ROOT, "%-9s step %4d/%d  held-out accuracy %.4f%n", name, 0, o.steps(), evalAccuracy[e]);
            e++;
            long trainNanos = 0;
            model.train(true);
            for (int step = 1; step <= o.steps(); step++) {
                long s0 = System.nanoTime();
                trainer.trainStep();
                trainNanos += System.nanoTime() - s0;
                if (step % o.evaluateEvery() == 0 || step == o.steps()) {
                    Evaluation ev = trainer.evaluate(task.heldOut(), EVAL_BATCH);
                    evalSteps[e] = step;
                    evalAccuracy[e] = ev.accuracy();
                    log.printf(Locale.ROOT, "%-9s step %4d/%d  loss %.4f  held-out accuracy %.4f  %.1f s%n", name, step,
                            o.steps(), meanLoss(losses, step, o.evaluateEvery()), ev.accuracy(),
                            (System.nanoTime() - start) / 1e9);
                    e++;
                }
            }
            long stateBytes = opt.stateBytes();
            long peak = HeapPeak.bytes();
            long live = HeapPeak.liveBytes();
            float[] tuned = embed(model, drift);
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < drift.size(); i++) {
                double c = MeanPooling.cosine(original, i * width, tuned, i * width, width);
                sum += c;
                min = Math.min(min, c);
            }
            double[] shift = shift(model.encoderParameters(), encoder);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Run(name, lr, evalAccuracy[e - 1], evalSteps, evalAccuracy, losses, sum / drift.size(), min,
                    shift[0], shift[1], stateBytes, peak, live, seconds, trainNanos / 1e9, opt.backendName());
        }
    }

    private static Optimizer optimizer(String name, TextClassifier model, MiniLmOptions o) {
        return spec(name, o.learningRate(name), o.density(), o.maskInterval(), o.backend(), o.seed())
                .build(model.parameters(), model.sparseParameters(), model.denseParameters(), o.steps(), o.weightDecay());
    }

    /** The optimizer {@code name} at {@code lr}; NanoAdam with this density and mask interval. */
    static OptimizerSpec spec(String name, double lr, double density, int maskInterval, String backend, long seed) {
        OptimizerSpec.Kind kind = OptimizerSpec.parseKind(name);
        return kind == OptimizerSpec.Kind.NANOADAM
                ? OptimizerSpec.nanoadam(lr, density, maskInterval, Criterion.SMALLEST_MAGNITUDE, backend, seed)
                : OptimizerSpec.baseline(kind, lr, backend);
    }

    /** Sentence embeddings of every example of {@code data}, [size, hiddenSize] row-major. */
    static float[] embed(TextClassifier model, TokenDataset data) {
        int width = model.hiddenSize();
        float[] all = new float[Math.multiplyExact(data.size(), width)];
        BatchLoader loader = BatchLoader.inOrder(data, EVAL_BATCH);
        float[] rows = new float[EVAL_BATCH * width];
        model.train(false);
        try {
            int done = 0;
            for (int b = loader.batchesPerEpoch(); b > 0; b--) {
                Batch batch = loader.next();
                model.sentenceEmbeddings(batch, rows);
                System.arraycopy(rows, 0, all, done * width, batch.size() * width);
                done += batch.size();
            }
        } finally {
            model.train(true);
        }
        return all;
    }

    /** {L2 norm of the encoder's change, share of encoder weights bit-identical to pretrained}. */
    private static double[] shift(List<Parameter> encoderParameters, PretrainedTextEncoder encoder) {
        double sq = 0;
        long same = 0;
        long total = 0;
        for (Parameter p : encoderParameters) {
            float[] now = p.data();
            float[] before = encoder.pretrained(p.name());
            if (before.length != now.length) {
                throw new IllegalStateException(p.name() + ": " + now.length + " values, pretrained " + before.length);
            }
            for (int i = 0; i < now.length; i++) {
                double d = (double) now[i] - before[i];
                sq += d * d;
                if (Float.floatToRawIntBits(now[i]) == Float.floatToRawIntBits(before[i])) {
                    same++;
                }
            }
            total += now.length;
        }
        return new double[] {Math.sqrt(sq), total == 0 ? Double.NaN : (double) same / total};
    }

    private static double meanLoss(float[] losses, int step, int window) {
        int from = Math.max(0, step - window);
        double s = 0;
        for (int i = from; i < step; i++) {
            s += losses[i];
        }
        return s / (step - from);
    }

    private static void printTable(Report r, PrintStream log) {
        log.println();
        log.printf(Locale.ROOT, "%-9s %8s %9s %10s %9s %10s %10s %10s %10s %8s%n", "optimizer", "lr", "accuracy",
                "drift cos", "L2 shift", "untouched", "state MiB", "peak MiB", "live MiB", "seconds");
        for (Run run : r.runs()) {
            log.printf(Locale.ROOT, "%-9s %8.1e %9.4f %10.5f %9.3f %10.4f %10.2f %10.1f %10.1f %8.1f%n", run.optimizer(),
                    run.learningRate(), run.accuracy(), run.driftCosine(), run.l2Shift(), run.untouchedFraction(),
                    run.stateBytes() / 1048576.0, run.peakHeapBytes() / 1048576.0, run.liveHeapBytes() / 1048576.0,
                    run.seconds());
        }
        log.println();
    }

    /** The report as the JSON object written to {@value #RESULTS_FILE}. */
    static Map<String, Object> toJson(Report r) {
        MiniLmOptions o = r.options();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "minilm-fortunes");
        root.put("model", r.model());
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("classes", r.classNames());
        task.put("train_examples", r.trainExamples());
        task.put("held_out_examples", r.heldOutExamples());
        task.put("seq_len", o.seqLen());
        task.put("truncated_examples", r.truncatedExamples());
        task.put("batch_size", o.batchSize());
        task.put("steps", o.steps());
        task.put("warmup_steps", o.warmupSteps());
        task.put("final_lr_factor", FINAL_LR_FACTOR);
        task.put("weight_decay", o.weightDecay());
        task.put("seed", o.seed());
        task.put("drift_corpus", "King James Bible");
        task.put("drift_verses", r.driftVerses());
        task.put("drift_seq_len", o.driftSeqLen());
        root.put("task", task);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        root.put("machine", machine);
        root.put("pretrained_embedding_seconds", r.embedSeconds());
        List<Object> runs = new ArrayList<>();
        for (Run run : r.runs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("optimizer", run.optimizer());
            m.put("lr", run.learningRate());
            if (run.optimizer().equals("nanoadam")) {
                m.put("density", o.density());
                m.put("mask_interval", o.maskInterval());
            }
            m.put("backend", run.backend());
            m.put("accuracy", run.accuracy());
            m.put("drift_cosine", run.driftCosine());
            m.put("drift_cosine_min", run.driftCosineMin());
            m.put("l2_shift", run.l2Shift());
            m.put("untouched_fraction", run.untouchedFraction());
            m.put("state_bytes", run.stateBytes());
            m.put("peak_heap_bytes", run.peakHeapBytes());
            m.put("live_heap_bytes", run.liveHeapBytes());
            m.put("seconds", run.seconds());
            m.put("train_seconds", run.trainSeconds());
            m.put("eval_steps", run.evalSteps());
            List<Object> acc = new ArrayList<>();
            for (double a : run.evalAccuracy()) {
                acc.add(a);
            }
            m.put("eval_accuracy", acc);
            List<Object> losses = new ArrayList<>();
            for (float l : run.losses()) {
                losses.add(l);
            }
            m.put("train_loss", losses);
            runs.add(m);
        }
        root.put("runs", runs);
        return root;
    }

    private static void writeJson(Report r, Path file) throws IOException {
        AtomicFiles.write(file, (Json.write(toJson(r)) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
