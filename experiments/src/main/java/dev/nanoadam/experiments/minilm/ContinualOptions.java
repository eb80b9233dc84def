package dev.nanoadam.experiments.minilm;

import dev.nanoadam.experiments.OptimizerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the continual-learning experiment on the pretrained encoder ({@link ContinualMiniLm#run}).
 *
 * @param fortuneClasses     task 1: fortune cookie files, one class each, at least two
 * @param bibleClasses       task 2: King James Bible classes, each a book as the data file spells it
 *                           ({@code Ge}, {@code Psa}, {@code Mat}) or a chapter range of one ({@code Ge:1-11}), at least two
 * @param perClass           examples drawn (seeded) from each class of both tasks, or 0 for all
 * @param testFraction       share of each class kept for the final accuracies, in (0, 1)
 * @param validationFraction share of each class that the learning-rate sweep is scored on, in (0, 1);
 *                           the rest trains
 * @param seqLen             WordPiece tokens per example, [CLS] and [SEP] included (longer ones are cut)
 * @param batchSize          examples per step
 * @param task1Steps         steps on task 1
 * @param task2Steps         steps on task 2
 * @param sweepSteps         steps of each sweep run (on task 1, scored on its validation split)
 * @param rates              candidate peak learning rates per optimizer, ascending; one candidate skips the sweep
 * @param optimizers         which optimizers to run, in order, from {@link OptimizerSpec#NAMES}
 * @param density            NanoAdam's density k
 * @param maskInterval       NanoAdam's mask refresh interval, in steps
 * @param backend            optimizer backend of NanoAdam and AdamW ({@code cpu}, {@code cpu-scalar}, {@code opencl}, ...)
 * @param seed               seed of the splits, the heads, the batch order
 * @param out                folder for the results, the table and the plots
 * @param fortunesDir        folder of the fortune cookie files
 * @param bibleFile          the King James Bible data file of bible-kjv-text
 */
public record ContinualOptions(List<String> fortuneClasses, List<String> bibleClasses, int perClass, double testFraction,
                               double validationFraction, int seqLen, int batchSize, int task1Steps, int task2Steps,
                               int sweepSteps, Map<String, List<Double>> rates, List<String> optimizers, double density,
                               int maskInterval, String backend, long seed, Path out, Path fortunesDir, Path bibleFile) {

    /** Checks every field; an error names the field and its value. */
    public ContinualOptions {
        fortuneClasses = List.copyOf(Objects.requireNonNull(fortuneClasses, "fortuneClasses"));
        bibleClasses = List.copyOf(Objects.requireNonNull(bibleClasses, "bibleClasses"));
        optimizers = List.copyOf(Objects.requireNonNull(optimizers, "optimizers"));
        Map<String, List<Double>> r = new LinkedHashMap<>();
        for (Map.Entry<String, List<Double>> e : Objects.requireNonNull(rates, "rates").entrySet()) {
            r.put(e.getKey(), List.copyOf(e.getValue()));
        }
        rates = Collections.unmodifiableMap(r);
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(fortunesDir, "fortunesDir");
        Objects.requireNonNull(bibleFile, "bibleFile");
        require(fortuneClasses.size() >= 2 && new HashSet<>(fortuneClasses).size() == fortuneClasses.size(),
                "fortuneClasses", fortuneClasses, "at least two distinct fortune files");
        require(bibleClasses.size() >= 2 && new HashSet<>(bibleClasses).size() == bibleClasses.size(),
                "bibleClasses", bibleClasses, "at least two distinct books or chapter ranges");
        for (String c : bibleClasses) {
            BibleClass.parse(c);
        }
        require(perClass >= 0, "perClass", perClass, ">= 0");
        require(testFraction > 0 && testFraction < 1, "testFraction", testFraction, "in (0, 1)");
        require(validationFraction > 0 && validationFraction < 1 && testFraction + validationFraction < 1,
                "validationFraction", validationFraction, "in (0, 1), with testFraction summing to less than 1");
        require(seqLen >= 3 && seqLen <= 512, "seqLen", seqLen, "in [3, 512] (the model has 512 positions)");
        require(batchSize >= 1, "batchSize", batchSize, ">= 1");
        require(task1Steps >= 1, "task1Steps", task1Steps, ">= 1");
        require(task2Steps >= 1, "task2Steps", task2Steps, ">= 1");
        require(sweepSteps >= 1, "sweepSteps", sweepSteps, ">= 1");
        require(!optimizers.isEmpty() && OptimizerSpec.NAMES.containsAll(optimizers)
                && new HashSet<>(optimizers).size() == optimizers.size(), "optimizers", optimizers,
                "a non-empty list of distinct names from " + OptimizerSpec.NAMES);
        for (String name : optimizers) {
            List<Double> candidates = rates.get(name);
            require(candidates != null && !candidates.isEmpty(), "rates", rates, "at least one rate for " + name);
            for (int i = 0; i < candidates.size(); i++) {
                double lr = candidates.get(i);
                require(Double.isFinite(lr) && lr > 0 && (i == 0 || lr > candidates.get(i - 1)), name + " rates",
                        candidates, "finite, > 0 and ascending");
            }
        }
        for (String name : optimizers) {
            require(backend.equals("cpu") || OptimizerSpec.parseKind(name).hasBackends(), "backend", backend,
                    "cpu for " + name + ", which runs only on the cpu backend");
        }
        require(density > 0 && density <= 1, "density", density, "in (0, 1]");
        require(maskInterval >= 1, "maskInterval", maskInterval, ">= 1");
    }

    /**
     * The defaults, sized to finish within an hour on two cores shared with other work: task 1 the
     * five fortune topics of {@code finetune-minilm}, task 2 four books of distinct kind (Genesis,
     * Psalms, Matthew, Romans); 200 examples per class (40 test, 30 validation, 130 train);
     * 32 tokens, batches of 16, 50 steps per task (about 1.2 and 1.5 epochs); sweeps of 15 steps
     * over three rates per optimizer, a factor of about 3 apart, centred where each optimizer's
     * paper or the fine-tuning experiment puts it; NanoAdam at density 0.1 with a mask every 50 steps.
     */
    public static ContinualOptions defaults() {
        return new ContinualOptions(List.of("computers", "politics", "science", "work", "men-women"),
                List.of("Ge", "Psa", "Mat", "Rom"), 200, 0.2, 0.15, 32, 16, 50, 50, 15, DEFAULT_RATES,
                OptimizerSpec.NAMES, 0.1, 50, "cpu", 42L, Path.of("nanoadam-out"),
                Path.of(dev.nanoadam.models.data.Fortunes.DEFAULT_DIR),
                Path.of(dev.nanoadam.models.data.BibleKjv.DEFAULT_FILE));
    }

    /** The default sweep grids: see {@link #defaults()}. */
    public static final Map<String, List<Double>> DEFAULT_RATES = Map.of(
            "nanoadam", List.of(3e-4, 1e-3, 3e-3),
            "adamw", List.of(3e-5, 1e-4, 3e-4),
            "adamw8bit", List.of(3e-5, 1e-4, 3e-4),
            "galore", List.of(1e-4, 3e-4, 1e-3),
            "microadam", List.of(1e-4, 3e-4, 1e-3));

    /** Warm-up steps of a run of {@code steps}: a tenth, then cosine decay to 10 %. */
    static int warmupOf(int steps) {
        return steps / 10;
    }

    /** The candidate rates of {@code optimizer}. */
    List<Double> ratesOf(String optimizer) {
        return rates.get(optimizer);
    }

    /**
     * One class of task 2: a book of the King James Bible data file, or a chapter range of it.
     *
     * @param label        the class as given ({@code Ge} or {@code Ge:1-11})
     * @param book         the book as the data file spells it
     * @param firstChapter first chapter (1 for a whole book)
     * @param lastChapter  last chapter ({@link Integer#MAX_VALUE} for a whole book)
     */
    record BibleClass(String label, String book, int firstChapter, int lastChapter) {
        /** Parses {@code BOOK} or {@code BOOK:FIRST-LAST}. */
        static BibleClass parse(String spec) {
            String s = spec.strip();
            int colon = s.indexOf(':');
            if (colon < 0) {
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("bibleClasses: empty class; expected a book such as Ge or a chapter range such as Ge:1-11");
                }
                return new BibleClass(s, s, 1, Integer.MAX_VALUE);
            }
            String book = s.substring(0, colon);
            String range = s.substring(colon + 1);
            int dash = range.indexOf('-');
            try {
                int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
                if (book.isEmpty() || first < 1 || last < first) {
                    throw new NumberFormatException();
                }
                return new BibleClass(s, book, first, last);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bibleClasses: '" + spec + "' is neither a book (Ge) nor a chapter range "
                        + "(Ge:1-11, chapters from 1, first <= last)");
            }
        }

        boolean contains(dev.nanoadam.models.data.BibleKjv.Verse v) {
            return v.book().equals(book) && v.chapter() >= firstChapter && v.chapter() <= lastChapter;
        }
    }

    /** Parses a sweep grid written {@code R1/R2/...} (ascending), as the command line gives it. */
    public static List<Double> parseRates(String optimizer, String text) {
        List<Double> out = new ArrayList<>();
        for (String part : text.split("/", -1)) {
            try {
                out.add(Double.parseDouble(part.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("rates of " + optimizer + ": '" + part + "' in '" + text
                        + "' is not a number (write candidates as R1/R2/..., e.g. 1e-4/3e-4)");
            }
        }
        return out;
    }

    private static void require(boolean ok, String field, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(field + " = " + value + ": must be " + rule);
        }
    }
}
