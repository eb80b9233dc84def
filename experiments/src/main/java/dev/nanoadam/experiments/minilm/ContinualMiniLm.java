package dev.nanoadam.experiments.minilm;

import dev.nanoadam.LearningRateSchedule;
import dev.nanoadam.Optimizer;
import dev.nanoadam.Parameter;
import dev.nanoadam.experiments.Console;
import dev.nanoadam.experiments.HeapPeak;
import dev.nanoadam.experiments.OptimizerSpec;
import dev.nanoadam.experiments.Results;
import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.data.BibleKjv;
import dev.nanoadam.models.data.Fortunes;
import dev.nanoadam.models.data.TokenDataset;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.text.WordPieceTokenizer;
import dev.nanoadam.models.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The paper's continual-learning experiment (its Section 4, Tables 4 and 5) on a pretrained
 * transformer: each optimizer fine-tunes the encoder with a new head on task 1 (fortune topics),
 * then, from the encoder it left, with another new head on task 2 (which book of the King James
 * Bible a verse comes from); the task-1 head is then put back on the task-2 encoder to measure
 * what task 1 lost, as the paper does.
 *
 * <p>Same budget for every optimizer: the same steps, the same batches in the same order, the same
 * initial heads, each task with a fresh optimizer under a warm-up (a tenth of the steps) and cosine
 * decay to 10 %, each optimizer at its own peak rate. The rate comes from a sweep: for each
 * candidate, a short run on task 1 from the pretrained encoder, scored on task 1's validation split
 * (never on a test split); the best wins, a tie going to the smaller rate.
 *
 * <p>Output in {@link ContinualOptions#out()}: {@value #RESULTS_FILE}, {@value #TABLE_FILE} and
 * {@value #SUMMARY_PLOT}.
 */
public final class ContinualMiniLm {
    /** Name of the results file. */
    public static final String RESULTS_FILE = "continual-minilm-results.json";
    /** Name of the markdown file with the results table and the sweep. */
    public static final String TABLE_FILE = "continual-minilm-table.md";
    /** Name of the bar chart of the final numbers and the sweep. */
    public static final String SUMMARY_PLOT = "continual-minilm-summary.png";
    /** Examples per evaluation batch. */
    static final int EVAL_BATCH = 32;
    /** The cosine schedule ends at this share of the peak rate. */
    static final double FINAL_LR_FACTOR = 0.1;

    private ContinualMiniLm() {
    }

    /**
     * A task's examples, split per class (stratified, seeded, disjoint).
     *
     * @param truncated examples (of all three parts) longer than the sequence length, cut to it
     */
    record Task(String name, List<String> classNames, TokenDataset train, TokenDataset validation, TokenDataset test,
                int truncated) {
    }

    /** One sweep run: {@code optimizer} at {@code lr}, its task-1 validation accuracy after the sweep's steps. */
    public record SweepPoint(String optimizer, double lr, double validationAccuracy, double seconds) {
    }

    /**
     * What one optimizer did over both tasks. Accuracies are fractions of the whole test split of their task.
     *
     * @param task1Acc          task-1 test accuracy after task 1
     * @param task2Acc          task-2 test accuracy after task 2
     * @param task1AccAfter     task-1 test accuracy after task 2, the task-1 head restored
     * @param forgetting        {@code task1Acc - task1AccAfter}
     * @param l2Shift           L2 distance of the encoder after both tasks from the pretrained one
     * @param l2ShiftTask2      L2 distance of the encoder after task 2 from the one task 1 left
     * @param untouchedFraction share of encoder weights bit-identical to their pretrained values after both tasks
     * @param stateBytes        the larger of the two tasks' optimizer state bytes
     * @param peakHeapBytes     sum of the heap pools' peaks over both tasks ({@link HeapPeak})
     * @param seconds           wall time of the training steps of both tasks (evaluations excluded)
     * @param backend           the backend the optimizer says ran
     */
    public record Run(String optimizer, double lr, double task1Acc, double task2Acc, double task1AccAfter,
                      double forgetting, double l2Shift, double l2ShiftTask2, double untouchedFraction, long stateBytes,
                      long peakHeapBytes, double seconds, String backend) {
    }

    /** Everything the experiment measured, with the tasks and settings it ran under. */
    public record Report(String model, ContinualOptions options, Task task1, Task task2, List<SweepPoint> sweep,
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
     * Runs the experiment with {@code encoder}: reads and splits both tasks, sweeps the rates, runs
     * every optimizer on both tasks, prints progress and the table to {@code console} and writes
     * the results, the table and the plot into {@code o.out()}.
     *
     * @throws IOException if the data cannot be read or the results cannot be written
     */
    public static Report run(ContinualOptions o, PretrainedTextEncoder encoder, Console console) throws IOException {
        Task task1 = fortuneTask(o, encoder.tokenizer());
        Task task2 = bibleTask(o, encoder.tokenizer());
        console.say(encoder.description());
        for (Task t : List.of(task1, task2)) {
            console.say(String.format(Locale.ROOT, "%s, %d classes %s: %d train, %d validation, %d test (%d cut to %d tokens)",
                    t.name(), t.classNames().size(), t.classNames(), t.train().size(), t.validation().size(),
                    t.test().size(), t.truncated(), o.seqLen()));
        }
        Files.createDirectories(o.out());

        List<SweepPoint> sweep = new ArrayList<>();
        Map<String, Double> chosen = new LinkedHashMap<>();
        for (String name : o.optimizers()) {
            List<Double> candidates = o.ratesOf(name);
            if (candidates.size() == 1) {
                chosen.put(name, candidates.get(0));
                continue;
            }
            SweepPoint best = null;
            for (double lr : candidates) {
                SweepPoint p = sweepOne(name, lr, o, encoder, task1, console);
                sweep.add(p);
                if (best == null || p.validationAccuracy() > best.validationAccuracy()) {
                    best = p;
                }
            }
            chosen.put(name, best.lr());
            console.say(String.format(Locale.ROOT, "%s: learning rate %.0e (task-1 validation accuracy %.3f after %d steps)",
                    name, best.lr(), best.validationAccuracy(), o.sweepSteps()));
        }

        List<Run> runs = new ArrayList<>();
        for (String name : o.optimizers()) {
            runs.add(runOne(name, chosen.get(name), o, encoder, task1, task2, console));
        }
        Report report = new Report(encoder.description(), o, task1, task2, List.copyOf(sweep), List.copyOf(runs));
        console.say("");
        console.say(table(report).stripTrailing());
        console.say("");
        AtomicFiles.write(o.out().resolve(RESULTS_FILE), (Json.write(toJson(report)) + "\n").getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(o.out().resolve(TABLE_FILE), markdown(report).getBytes(StandardCharsets.UTF_8));
        ContinualPlots.write(report, o.out().resolve(SUMMARY_PLOT));
        console.say("wrote " + RESULTS_FILE + ", " + TABLE_FILE + ", " + SUMMARY_PLOT + " to " + o.out());
        return report;
    }

    // ---- data --------------------------------------------------------------------------------------

    /** Task 1: class {@code i} is fortune file {@code fortuneClasses().get(i)}. */
    static Task fortuneTask(ContinualOptions o, WordPieceTokenizer tokenizer) throws IOException {
        List<List<String>> perClass = new ArrayList<>();
        for (String file : o.fortuneClasses()) {
            perClass.add(Fortunes.read(o.fortunesDir(), file));
        }
        return split("fortune topics", o.fortuneClasses(), perClass, o, tokenizer, o.seed());
    }

    /** Task 2: class {@code i} is the verses of book (or chapter range) {@code bibleClasses().get(i)}. */
    static Task bibleTask(ContinualOptions o, WordPieceTokenizer tokenizer) throws IOException {
        List<BibleKjv.Verse> verses = BibleKjv.read(o.bibleFile());
        List<List<String>> perClass = new ArrayList<>();
        for (String spec : o.bibleClasses()) {
            ContinualOptions.BibleClass c = ContinualOptions.BibleClass.parse(spec);
            List<String> texts = new ArrayList<>();
            for (BibleKjv.Verse v : verses) {
                if (c.contains(v)) {
                    texts.add(v.text());
                }
            }
            if (texts.isEmpty()) {
                LinkedHashSet<String> books = new LinkedHashSet<>();
                for (BibleKjv.Verse v : verses) {
                    books.add(v.book());
                }
                throw new IllegalArgumentException("task-2 class '" + spec + "' matches no verse of " + o.bibleFile()
                        + "; its books: " + String.join(" ", books));
            }
            perClass.add(texts);
        }
        return split("King James Bible books", o.bibleClasses(), perClass, o, tokenizer, o.seed() ^ 0x4B4A56L);
    }

    /**
     * Draws at most {@code perClass} entries of each class (seeded), keeps {@code testFraction} and
     * {@code validationFraction} of each (at least one each) and trains on the rest.
     */
    private static Task split(String name, List<String> classNames, List<List<String>> perClass, ContinualOptions o,
                              WordPieceTokenizer tokenizer, long seed) {
        TextData.checkPadding(tokenizer);
        List<List<String>> text = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<Integer>> labels = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int c = 0; c < perClass.size(); c++) {
            List<String> entries = new ArrayList<>(perClass.get(c));
            TextData.shuffle(entries, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c));
            if (o.perClass() > 0 && entries.size() > o.perClass()) {
                entries = entries.subList(0, o.perClass());
            }
            int test = Math.max(1, (int) Math.round(o.testFraction() * entries.size()));
            int validation = Math.max(1, (int) Math.round(o.validationFraction() * entries.size()));
            if (entries.size() - test - validation < 1) {
                throw new IllegalArgumentException(name + ": class '" + classNames.get(c) + "' has " + entries.size()
                        + " entries: too few to keep " + test + " for test and " + validation + " for validation and train on the rest");
            }
            for (int i = 0; i < entries.size(); i++) {
                int part = i < test ? 2 : i < test + validation ? 1 : 0;
                text.get(part).add(entries.get(i));
                labels.get(part).add(c);
            }
        }
        int[] truncated = new int[1];
        String[] parts = {"train", "validation", "test"};
        TokenDataset[] data = new TokenDataset[3];
        for (int p = 0; p < 3; p++) {
            data[p] = TextData.encode(name + " " + parts[p], classNames.size(), text.get(p), labels.get(p), tokenizer,
                    o.seqLen(), truncated);
        }
        return new Task(name, classNames, data[0], data[1], data[2], truncated[0]);
    }

    // ---- training ----------------------------------------------------------------------------------

    private static OptimizerSpec spec(String name, double lr, ContinualOptions o) {
        return MiniLmFinetune.spec(name, lr, o.density(), o.maskInterval(), o.backend(), o.seed());
    }

    /** What one task's training left: the optimizer's state bytes, its backend and the steps' wall time. */
    private record Trained(long stateBytes, String backend, double seconds) {
    }

    /** Trains {@code model} on {@code data} for {@code steps} steps with a fresh optimizer. */
    private static Trained train(TextClassifier model, TokenDataset data, OptimizerSpec spec, int steps, long seed,
                                 ContinualOptions o, Console console, String label) {
        try (Optimizer opt = spec.build(model.parameters(), model.sparseParameters(), model.denseParameters(), steps, 0)) {
            Trainer trainer = Trainer.builder(model, new BatchLoader(data, o.batchSize(), true, seed, true))
                    .optimizers(opt)
                    .schedule(LearningRateSchedule.warmupCosine(ContinualOptions.warmupOf(steps), steps, FINAL_LR_FACTOR))
                    .listener(console.progress(label))
                    .build();
            long start = System.nanoTime();
            try {
                trainer.run(steps);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the trainer writes no checkpoints here
            }
            return new Trained(opt.stateBytes(), opt.backendName(), (System.nanoTime() - start) / 1e9);
        }
    }

    private static double accuracy(TextClassifier model, TokenDataset data) {
        return (double) Trainer.countCorrect(model, BatchLoader.inOrder(data, EVAL_BATCH), new int[EVAL_BATCH]) / data.size();
    }

    private static SweepPoint sweepOne(String name, double lr, ContinualOptions o, PretrainedTextEncoder encoder,
                                       Task task1, Console console) {
        TextClassifier model = encoder.newClassifier(task1.classNames().size(), o.seed());
        Trained t = train(model, task1.train(), spec(name, lr, o), o.sweepSteps(), o.seed(), o, console,
                String.format(Locale.ROOT, "sweep %s lr %.0e on task 1", name, lr));
        return new SweepPoint(name, lr, accuracy(model, task1.validation()), t.seconds());
    }

    private static Run runOne(String name, double lr, ContinualOptions o, PretrainedTextEncoder encoder, Task task1,
                              Task task2, Console console) {
        HeapPeak.reset();
        OptimizerSpec spec = spec(name, lr, o);
        TextClassifier first = encoder.newClassifier(task1.classNames().size(), o.seed());
        Trained t1 = train(first, task1.train(), spec, o.task1Steps(), o.seed(), o, console,
                String.format(Locale.ROOT, "%s lr %.0e on task 1 (%s)", name, lr, task1.name()));
        double task1Acc = accuracy(first, task1.test());
        List<float[]> afterTask1 = new ArrayList<>();
        for (Parameter p : first.encoderParameters()) {
            afterTask1.add(p.data().clone());
        }
        TextClassifier second = encoder.newClassifier(task2.classNames().size(), o.seed() + 1);
        copyEncoder(first, second);
        Trained t2 = train(second, task2.train(), spec, o.task2Steps(), o.seed() + 1, o, console,
                String.format(Locale.ROOT, "%s lr %.0e on task 2 (%s)", name, lr, task2.name()));
        long peak = HeapPeak.bytes();
        double task2Acc = accuracy(second, task2.test());
        copyEncoder(second, first);   // the task-1 head on the encoder task 2 left
        double task1After = accuracy(first, task1.test());
        double total = 0;
        double sinceTask1 = 0;
        long same = 0;
        long count = 0;
        List<Parameter> now = second.encoderParameters();
        for (int i = 0; i < now.size(); i++) {
            float[] w = now.get(i).data();
            float[] pre = encoder.pretrained(now.get(i).name());
            float[] mid = afterTask1.get(i);
            for (int j = 0; j < w.length; j++) {
                double d = (double) w[j] - pre[j];
                double e = (double) w[j] - mid[j];
                total += d * d;
                sinceTask1 += e * e;
                if (Float.floatToRawIntBits(w[j]) == Float.floatToRawIntBits(pre[j])) {
                    same++;
                }
            }
            count += w.length;
        }
        Run run = new Run(name, lr, task1Acc, task2Acc, task1After, task1Acc - task1After, Math.sqrt(total),
                Math.sqrt(sinceTask1), count == 0 ? Double.NaN : (double) same / count,
                Math.max(t1.stateBytes(), t2.stateBytes()), peak, t1.seconds() + t2.seconds(), t2.backend());
        console.say(String.format(Locale.ROOT, "%s: task 1 %.3f, task 2 %.3f, task 1 after %.3f", name, task1Acc, task2Acc,
                task1After));
        return run;
    }

    /** Copies every encoder weight of {@code from} into {@code to}; both hold the same encoder, in the same order. */
    static void copyEncoder(TextClassifier from, TextClassifier to) {
        List<Parameter> a = from.encoderParameters();
        List<Parameter> b = to.encoderParameters();
        if (a.size() != b.size()) {
            throw new IllegalStateException("encoders differ: " + a.size() + " and " + b.size() + " parameters");
        }
        for (int i = 0; i < a.size(); i++) {
            Parameter p = a.get(i);
            Parameter q = b.get(i);
            if (!p.name().equals(q.name()) || p.size() != q.size()) {
                throw new IllegalStateException("encoders differ at parameter " + i + ": " + p.name() + " (" + p.size()
                        + ") and " + q.name() + " (" + q.size() + ")");
            }
            System.arraycopy(p.data(), 0, q.data(), 0, p.size());
        }
    }

    // ---- reports -----------------------------------------------------------------------------------

    /** The table printed at the end: one row per optimizer, accuracies in percent. */
    static String table(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-10s %7s %10s %10s %12s %10s %9s %9s %10s %10s %8s%n", "optimizer", "lr",
                "task-1 acc", "task-2 acc", "task-1 after", "forgetting", "L2 shift", "untouched", "state", "peak heap",
                "seconds"));
        for (Run run : r.runs()) {
            sb.append(String.format(Locale.ROOT, "%-10s %7.0e %9.1f%% %9.1f%% %11.1f%% %7.1f pt %9.2f %8.1f%% %10s %10s %8.1f%n",
                    run.optimizer(), run.lr(), 100 * run.task1Acc(), 100 * run.task2Acc(), 100 * run.task1AccAfter(),
                    100 * run.forgetting(), run.l2Shift(), 100 * run.untouchedFraction(), Results.bytes(run.stateBytes()),
                    Results.bytes(run.peakHeapBytes()), run.seconds()));
        }
        return sb.toString();
    }

    /** The results and the sweep as markdown tables. */
    static String markdown(Report r) {
        ContinualOptions o = r.options();
        StringBuilder sb = new StringBuilder();
        sb.append("| optimizer | lr | task-1 acc | task-2 acc | task-1 after | forgetting | L2 shift | untouched | state | peak heap | seconds |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run run : r.runs()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.0e | %.1f%% | %.1f%% | %.1f%% | %.1f pt | %.2f | %.1f%% | %s | %s | %.0f |%n",
                    run.optimizer(), run.lr(), 100 * run.task1Acc(), 100 * run.task2Acc(), 100 * run.task1AccAfter(),
                    100 * run.forgetting(), run.l2Shift(), 100 * run.untouchedFraction(), Results.bytes(run.stateBytes()),
                    Results.bytes(run.peakHeapBytes()), run.seconds()));
        }
        if (!r.sweep().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nSweep: task-1 validation accuracy (%d examples) after %d steps%n%n",
                    r.task1().validation().size(), o.sweepSteps()));
            sb.append("| optimizer | lr | validation acc | chosen |\n|---|---|---|---|\n");
            for (SweepPoint p : r.sweep()) {
                boolean chosen = r.run(p.optimizer()).lr() == p.lr();
                sb.append(String.format(Locale.ROOT, "| %s | %.0e | %.1f%% | %s |%n", p.optimizer(), p.lr(),
                        100 * p.validationAccuracy(), chosen ? "yes" : ""));
            }
        }
        return sb.toString();
    }

    /** The report as the JSON object written to {@value #RESULTS_FILE}. */
    static Map<String, Object> toJson(Report r) {
        ContinualOptions o = r.options();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("experiment", "continual-minilm");
        root.put("model", r.model());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("seq_len", o.seqLen());
        settings.put("batch_size", o.batchSize());
        settings.put("per_class", o.perClass());
        settings.put("test_fraction", o.testFraction());
        settings.put("validation_fraction", o.validationFraction());
        settings.put("task1_steps", o.task1Steps());
        settings.put("task2_steps", o.task2Steps());
        settings.put("sweep_steps", o.sweepSteps());
        settings.put("warmup", "a tenth of each run's steps, then cosine decay to " + FINAL_LR_FACTOR + " of the peak");
        settings.put("density", o.density());
        settings.put("mask_interval", o.maskInterval());
        settings.put("weight_decay", 0.0);
        settings.put("backend", o.backend());
        settings.put("seed", o.seed());
        Map<String, Object> grids = new LinkedHashMap<>();
        for (String name : o.optimizers()) {
            grids.put(name, new ArrayList<Object>(o.ratesOf(name)));
        }
        settings.put("rates", grids);
        root.put("settings", settings);
        List<Object> tasks = new ArrayList<>();
        for (Task t : List.of(r.task1(), r.task2())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("classes", t.classNames());
            m.put("train_examples", t.train().size());
            m.put("validation_examples", t.validation().size());
            m.put("test_examples", t.test().size());
            m.put("truncated_examples", t.truncated());
            tasks.add(m);
        }
        root.put("tasks", tasks);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        root.put("machine", machine);
        List<Object> sweep = new ArrayList<>();
        for (SweepPoint p : r.sweep()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("optimizer", p.optimizer());
            m.put("lr", p.lr());
            m.put("validation_acc", p.validationAccuracy());
            m.put("seconds", p.seconds());
            sweep.add(m);
        }
        root.put("sweep", sweep);
        List<Object> runs = new ArrayList<>();
        for (Run run : r.runs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("optimizer", run.optimizer());
            m.put("lr", run.lr());
            m.put("backend", run.backend());
            m.put("task1_acc", run.task1Acc());
            m.put("task2_acc", run.task2Acc());
            m.put("task1_acc_after", run.task1AccAfter());
            m.put("forgetting", run.forgetting());
            m.put("l2_shift", run.l2Shift());
            m.put("l2_shift_task2", run.l2ShiftTask2());
            m.put("untouched_fraction", run.untouchedFraction());
            m.put("state_bytes", run.stateBytes());
            m.put("peak_heap_bytes", run.peakHeapBytes());
            m.put("seconds", run.seconds());
            runs.add(m);
        }
        root.put("runs", runs);
        return root;
    }
}
