package dev.nanoadam.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Lock-step training: the same model from the same seed, trained on the same real batches in two
 * independent runs, one per backend, compared bit for bit after every step.
 *
 * <p>Each run has its own model, batch loader and optimizer, and does its own forward and backward
 * pass: nothing computed by one run is fed to the other, so drift anywhere (model, data order,
 * selection, update, checkpoint) shows. Before the first step the initial weights and buffers are
 * compared (the model must build the same weights from the same seed); after every step the loss,
 * every gradient, every buffer, and per parameter the weights, the mask and {@code m} and
 * {@code v}. A {@link Handover} checkpoints the second run part way and resumes it on the other
 * backend, into a model initialised from an unrelated seed; the state is compared again right
 * after the resume.
 *
 * <p>The first disagreement ends the check and is reported as a {@link Mismatch}; an exception of
 * either run ends it as an error. Comparing the oracle with itself checks the model: two runs on
 * the same backend can only differ if the model's own arithmetic is not deterministic.
 */
public final class Lockstep {
    private Lockstep() {
    }

    /** Salt for the resumed run's initial weights: anything but the configuration's seed. */
    private static final long UNRELATED = 0x9E3779B97F4A7C15L;

    /**
     * Runs {@code config} on {@code oracle} and on {@code candidate} and compares them after every
     * step.
     *
     * @throws IllegalArgumentException if the configuration names another workload
     */
    public static Outcome check(Workload workload, Configuration config, String oracle, String candidate) {
        if (!workload.name().equals(config.model())) {
            throw new IllegalArgumentException("configuration is for model '" + config.model() + "', workload is '"
                    + workload.name() + "'");
        }
        long start = System.nanoTime();
        String firstOfSecond = config.handover() == Handover.ORACLE_TO_CANDIDATE ? oracle : candidate;
        String afterHandover = config.handover() == Handover.ORACLE_TO_CANDIDATE ? candidate : oracle;
        TrainingRun a = null;
        TrainingRun b = null;
        Path directory = null;
        int agreed = 0;
        String phase = "building the " + oracle + " run";
        try {
            a = TrainingRun.start(workload, config, oracle, config.seed());
            phase = "building the " + firstOfSecond + " run";
            b = TrainingRun.start(workload, config, firstOfSecond, config.seed());
            Mismatch m = compare(config, a, b, Float.NaN, Float.NaN, false, -1, "at initialisation");
            if (m != null) {
                return new Outcome(config, oracle, candidate, agreed, m, null, System.nanoTime() - start);
            }
            for (int t = 0; t < config.steps(); t++) {
                if (config.handover() != Handover.NONE && t == config.handoverStep()) {
                    phase = "handing over from " + b.backend + " to " + afterHandover + " at step " + t;
                    directory = Files.createTempDirectory("nanoadam-conformance-");
                    TrainingRun before = b;
                    b = null;
                    b = before.handOver(directory, afterHandover, config.seed() ^ UNRELATED);
                    m = compare(config, a, b, Float.NaN, Float.NaN, false, t - 1, "after resuming at step " + t);
                    if (m != null) {
                        return new Outcome(config, oracle, candidate, agreed, m, null, System.nanoTime() - start);
                    }
                }
                phase = "step " + t + " of the " + a.label + " run";
                float lossA = a.step();
                phase = "step " + t + " of the " + b.label + " run";
                float lossB = b.step();
                phase = "comparing after step " + t;
                m = compare(config, a, b, lossA, lossB, true, t, "after step " + t);
                if (m != null) {
                    return new Outcome(config, oracle, candidate, agreed, m, null, System.nanoTime() - start);
                }
                agreed++;
            }
            return new Outcome(config, oracle, candidate, agreed, null, null, System.nanoTime() - start);
        } catch (IOException | RuntimeException e) {
            RuntimeException error = new IllegalStateException(phase + ": " + e, e);
            return new Outcome(config, oracle, candidate, agreed, null, error, System.nanoTime() - start);
        } finally {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
            if (directory != null) {
                deleteTree(directory);
            }
        }
    }

    /**
     * {@link #check}, throwing when the runs disagree or fail.
     *
     * @throws AssertionError with {@link Outcome#report()} as its message
     */
    public static Outcome assertAgree(Workload workload, Configuration config, String oracle, String candidate) {
        Outcome o = check(workload, config, oracle, candidate);
        if (!o.agreed()) {
            throw new AssertionError(o.report(), o.error());
        }
        return o;
    }

    private static Mismatch compare(Configuration config, TrainingRun a, TrainingRun b, float lossA, float lossB,
                                    boolean afterStep, long step, String where) {
        List<StateComparison.Difference> diffs = StateComparison.differences(a, b, lossA, lossB, afterStep);
        if (diffs.isEmpty()) {
            return null;
        }
        StateComparison.Difference d = diffs.getFirst();
        List<String> others = new ArrayList<>();
        for (int i = 1; i < diffs.size() && others.size() < 8; i++) {
            others.add(diffs.get(i).label());
        }
        if (diffs.size() > 9) {
            others.add("and " + (diffs.size() - 9) + " more");
        }
        return new Mismatch(a.label, b.label, config.model(), d.tensor(), d.quantity(), where, step, d.first(),
                d.count(), d.lengthA(), d.lengthB(), d.valueA(), d.valueB(), others, diagnosis(d, where, a, b));
    }

    private static String diagnosis(StateComparison.Difference d, String where, TrainingRun a, TrainingRun b) {
        if (where.startsWith("at initialisation")) {
            return "The model built different initial state from the same seed: its initialisation is not deterministic";
        }
        if (where.startsWith("after resuming")) {
            return "The resumed run's state differs from the uninterrupted run's: the checkpoint did not restore it exactly";
        }
        return switch (d.quantity()) {
            case "loss", "gradient", "buffer" -> "The two runs computed different "
                    + (d.quantity().equals("buffer") ? "buffers" : d.quantity() + "s")
                    + " from bit-identical weights, buffers and batches (the optimizer had not run yet in this step):"
                    + " the model's forward or backward pass is not a function of its weights, buffers and batch alone"
                    + " (arithmetic that is not deterministic, or state that no checkpoint holds)";
            default -> a.backend.equals(b.backend)
                    ? "The gradients agreed: the optimizer step on " + a.backend + " is not deterministic run to run"
                    : "The gradients agreed: the optimizer steps of " + a.backend + " and " + b.backend + " differ";
        };
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null) {
                        throw e;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the checkpoint directory " + root, e);
        }
    }
}
