package dev.nanoadam.models.train;

import dev.nanoadam.CheckpointException;
import dev.nanoadam.LearningRateSchedule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.data.Dataset;
import dev.nanoadam.models.data.Datasets;
import dev.nanoadam.models.data.Digits;
import dev.nanoadam.models.data.ImageDataset;
import dev.nanoadam.models.testing.Fixtures;
import dev.nanoadam.models.testing.Jit;
import dev.nanoadam.models.testing.Sgd;
import dev.nanoadam.models.testing.TinyMlp;
import dev.nanoadam.testing.Compare;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop: resumption bit for bit, listener events, evaluation, checkpoint safety, allocation. */
class TrainerTest {
    private static final long DATA_SEED = 17;
    private static final ImageDataset BLOBS = Blobs.noisy(203, 4, 5, DATA_SEED);
    private static final LearningRateSchedule SCHEDULE = LearningRateSchedule.warmupCosine(5, 40, 0.1);

    @TempDir
    Path dir;

    /** A model, its optimizer and a trainer over them; {@code initSeed} varies the initial weights. */
    private record Run(TinyMlp model, Optimizer optimizer, Trainer trainer) {
    }

    private static Run sgdRun(long initSeed, double lr) {
        TinyMlp m = TinyMlp.images(25, 0, 4, initSeed);
        Sgd sgd = new Sgd(m.parameters(), lr, 0.9f);
        Trainer t = Trainer.builder(m, new BatchLoader(BLOBS, 16, true, 9, false)).optimizers(sgd).schedule(SCHEDULE).build();
        return new Run(m, sgd, t);
    }

    private static Run nanoAdamRun(long initSeed, double lr) {
        TinyMlp m = TinyMlp.images(25, 0, 4, initSeed);
        NanoAdam opt = NanoAdam.builder().lr(lr).density(0.25).maskInterval(7).chunkSize(16)
                .build(m.sparseParameters(), m.denseParameters());
        Trainer t = Trainer.builder(m, new BatchLoader(BLOBS, 16, true, 9, false)).optimizers(opt).schedule(SCHEDULE).build();
        return new Run(m, opt, t);
    }

    private void assertResumeIsBitIdentical(Function<Long, Run> make, String what) throws IOException {
        int n = 40; // 13 batches per epoch: the run crosses three epoch boundaries, the checkpoint is mid-epoch
        Run straight = make.apply(1L);
        straight.trainer.run(n);

        Run first = make.apply(1L);
        first.trainer.run(n / 2);
        first.trainer.saveCheckpoint(dir.resolve(what));
        first.optimizer.close();
        Run second = make.apply(99L); // other initial weights: everything must come from the checkpoint
        second.trainer.resume(dir.resolve(what));
        assertEquals(n / 2, second.trainer.completedSteps());
        second.trainer.run(n);

        for (String name : List.of("fc.weight", "fc.bias")) {
            Compare.exact(what + " " + name, straight.model.parameter(name).data(), second.model.parameter(name).data());
        }
        Compare.exact(what + " running mean buffer", straight.model.runningMean(), second.model.runningMean());
        assertEquals(straight.optimizer.learningRate(), second.optimizer.learningRate(), 0.0);
        assertEquals(straight.optimizer.steps(), second.optimizer.steps());
        assertEquals(straight.trainer.loader().epoch(), second.trainer.loader().epoch());
        assertEquals(straight.trainer.loader().position(), second.trainer.loader().position());
        straight.optimizer.close();
        second.optimizer.close();
    }

    @Test
    void resumedSgdRunIsBitIdenticalToAnUninterruptedOne() throws IOException {
        assertResumeIsBitIdentical(seed -> sgdRun(seed, 0.05), "sgd");
    }

    @Test
    void resumedNanoAdamRunIsBitIdenticalToAnUninterruptedOne() throws IOException {
        assertResumeIsBitIdentical(seed -> nanoAdamRun(seed, 0.01), "nanoadam");
    }

    @Test
    void withoutTheCheckpointTheRunsDiffer() throws IOException {
        // Guards the test above: a resume that restored nothing would not match.
        Run straight = sgdRun(1, 0.05);
        straight.trainer.run(40);
        Run other = sgdRun(99, 0.05);
        other.trainer.run(20);
        other.trainer.run(40);
        assertFalse(java.util.Arrays.equals(straight.model.parameter("fc.weight").data(), other.model.parameter("fc.weight").data()));
    }

    /** Records every event as a line. */
    private static final class Recorder implements TrainingListener {
        final List<String> events = new ArrayList<>();
        final List<Float> losses = new ArrayList<>();
        final List<Double> rates = new ArrayList<>();

        @Override
        public void onStart(long step, long untilStep, int batchesPerEpoch) {
            events.add("start " + step + " " + untilStep + " " + batchesPerEpoch);
        }

        @Override
        public void onStep(long step, long epoch, float loss, double learningRate) {
            events.add("step " + step + " epoch " + epoch);
            losses.add(loss);
            rates.add(learningRate);
        }

        @Override
        public void onEvaluation(long step, Evaluation evaluation) {
            events.add("eval " + step + " " + evaluation.total());
        }

        @Override
        public void onCheckpoint(long step, Path directory) {
            events.add("checkpoint " + step + " " + directory.getFileName());
        }

        @Override
        public void onFinish(long step) {
            events.add("finish " + step);
        }
    }

    @Test
    void listenersSeeEveryEventInOrder() throws IOException {
        TinyMlp m = TinyMlp.images(25, 0, 4, 1);
        Sgd sgd = new Sgd(m.parameters(), 0.05, 0.9f);
        Recorder rec = new Recorder();
        Dataset test = Datasets.head(BLOBS, 50);
        Trainer t = Trainer.builder(m, new BatchLoader(BLOBS, 16, true, 9, false)).optimizers(sgd).schedule(SCHEDULE)
                .listener(rec).evaluateEvery(5, test, 8).checkpointEvery(10, dir.resolve("ck")).build();
        t.run(20);
        List<String> expected = new ArrayList<>();
        expected.add("start 0 20 13");
        for (int s = 1; s <= 20; s++) {
            expected.add("step " + s + " epoch " + (s <= 13 ? 0 : 1));
            if (s % 5 == 0) {
                expected.add("eval " + s + " 50");
            }
            if (s % 10 == 0) {
                expected.add("checkpoint " + s + " ck");
            }
        }
        expected.add("finish 20");
        assertEquals(expected, rec.events);
        for (int s = 0; s < 20; s++) {
            assertEquals(SCHEDULE.learningRate(s, 0.05), rec.rates.get(s), 0.0, "rate of step " + s);
        }
        // The losses reported are those trainStep returns on an identical run.
        Run replay = sgdRun(1, 0.05);
        for (int s = 0; s < 20; s++) {
            Compare.exact("loss " + s, rec.losses.get(s), replay.trainer.trainStep());
        }
    }

    @Test
    void evaluationCountsRightPredictionsIncludingAPartialLastBatch() {
        ImageDataset sep = Blobs.oneHot(10, 3); // classes 0,1,2 with 4,3,3 examples
        TinyMlp m = TinyMlp.images(3, 0, 3, 0);
        float[] w = m.parameter("fc.weight").data();
        java.util.Arrays.fill(w, 0f);
        for (int c = 0; c < 3; c++) {
            w[c * 3 + c] = 10f;
        }
        Trainer t = Trainer.builder(m, BatchLoader.inOrder(sep, 4)).optimizers(new Sgd(m.parameters(), 0.1, 0f)).build();
        assertEquals(new Evaluation("one-hot", 10, 10), t.evaluate(sep, 4));
        assertTrue(m.isTraining(), "training mode restored after evaluation");
        w[2 * 3 + 2] = 0f; // class 2's logits all tie at 0: arg-max picks class 0, wrong for the 3 of class 2
        assertEquals(new Evaluation("one-hot", 7, 10), t.evaluate(sep, 3));
        for (int c = 0; c < 3; c++) {
            w[c * 3 + c] = 0f;
            w[c * 3 + (c + 1) % 3] = 10f; // every class votes for the next one's pixel
        }
        assertEquals(0.0, t.evaluate(sep, 10).accuracy());
    }

    @Test
    void trainingLearnsTheSyntheticBlobs() throws IOException {
        Datasets.TrainTest split = Datasets.split(Blobs.noisy(1000, 4, 5, 3), 0.2, 4);
        TinyMlp m = TinyMlp.images(25, 0, 4, 1);
        Trainer t = Trainer.builder(m, new BatchLoader(split.train(), 32, true, 5, false))
                .optimizers(new Sgd(m.parameters(), 0.1, 0.9f)).build();
        double before = t.evaluate(split.heldOut(), 64).accuracy();
        t.run(300);
        double after = t.evaluate(split.heldOut(), 64).accuracy();
        assertTrue(before < 0.5 && after > 0.9, "held-out accuracy " + before + " -> " + after + " (data seed 3, split seed 4)");
    }

    @Test
    void softmaxRegressionOnScikitLearnDigitsReachesNinetyPercent() throws IOException {
        Datasets.TrainTest split = Datasets.split(Digits.load(Fixtures.digitsFile()), 0.2, 1);
        TinyMlp m = TinyMlp.images(64, 0, 10, 2);
        Trainer t = Trainer.builder(m, new BatchLoader(split.train(), 32, true, 3, false))
                .optimizers(new Sgd(m.parameters(), 0.1, 0.9f))
                .schedule(LearningRateSchedule.warmupLinear(20, 600, 0.05)).build();
        t.run(600);
        Evaluation e = t.evaluate(split.heldOut(), 100);
        assertEquals(split.heldOut().size(), e.total());
        assertTrue(e.accuracy() > 0.9, e.toString());
    }

    @Test
    void aCheckpointKeepsOnlyItsOwnFilesAndSurvivesAFailedSave() throws IOException {
        Path ck = dir.resolve("ck");
        Run a = sgdRun(1, 0.05);
        a.trainer.run(10);
        a.trainer.saveCheckpoint(ck);
        a.trainer.run(20);
        a.trainer.saveCheckpoint(ck);
        float[] at20 = a.model.parameter("fc.weight").data().clone();
        try (Stream<Path> files = Files.list(ck)) {
            assertEquals(List.of("checkpoint-20.safetensors", "checkpoint.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        a.trainer.run(30);
        ((Sgd) a.optimizer).failNextSave = true;
        assertThrows(IOException.class, () -> a.trainer.saveCheckpoint(ck));
        Run b = sgdRun(5, 0.05);
        b.trainer.resume(ck);
        assertEquals(20, b.trainer.completedSteps(), "the failed save left the step-20 checkpoint in force");
        Compare.exact("weights of the step-20 checkpoint", at20, b.model.parameter("fc.weight").data());
    }

    @Test
    void aDamagedOrMismatchedCheckpointIsRefusedAndChangesNothing() throws IOException {
        Path ck = dir.resolve("ck");
        Run a = sgdRun(1, 0.05);
        a.trainer.run(10);
        a.trainer.saveCheckpoint(ck);

        Run b = sgdRun(5, 0.05);
        float[] before = b.model.parameter("fc.weight").data().clone();
        Path model = ck.resolve("checkpoint-10.safetensors");
        byte[] good = Files.readAllBytes(model);
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        Files.write(model, bad);
        CheckpointException e = assertThrows(CheckpointException.class, () -> b.trainer.resume(ck));
        assertTrue(e.getMessage().contains("CRC-32C is") && e.getMessage().contains("(corrupted)"), e.getMessage());
        Files.write(model, java.util.Arrays.copyOf(good, good.length - 1));
        e = assertThrows(CheckpointException.class, () -> b.trainer.resume(ck));
        assertTrue(e.getMessage().contains("is " + (good.length - 1) + " bytes, the manifest says " + good.length), e.getMessage());
        Files.write(model, good);

        TinyMlp m = TinyMlp.images(25, 0, 4, 5);
        Trainer otherBatch = Trainer.builder(m, new BatchLoader(BLOBS, 8, true, 9, false))
                .optimizers(new Sgd(m.parameters(), 0.05, 0.9f)).build();
        e = assertThrows(CheckpointException.class, () -> otherBatch.resume(ck));
        assertTrue(e.getMessage().contains("checkpoint was written with batch size 16, this trainer has 8"), e.getMessage());

        // The optimizer refuses its file (it covers other parameters): the model's weights are restored.
        TinyMlp m2 = TinyMlp.images(25, 0, 4, 5);
        float[] m2Before = m2.parameter("fc.weight").data().clone();
        Trainer wrongOptimizer = Trainer.builder(m2, new BatchLoader(BLOBS, 16, true, 9, false))
                .optimizers(new Sgd(m2.denseParameters(), 0.05, 0.9f)).build();
        e = assertThrows(CheckpointException.class, () -> wrongOptimizer.resume(ck));
        assertTrue(e.getMessage().contains("optimizer 0 refused its state"), e.getMessage());
        Compare.exact("model restored after the optimizer refused", m2Before, m2.parameter("fc.weight").data());
        assertEquals(0, wrongOptimizer.completedSteps());
        assertEquals(0, wrongOptimizer.loader().position(), "loader position put back");

        Compare.exact("untouched by refused resumes", before, b.model.parameter("fc.weight").data());
        e = assertThrows(CheckpointException.class, () -> b.trainer.resume(dir.resolve("empty")));
        assertTrue(e.getMessage().contains("no checkpoint here"), e.getMessage());
        b.trainer.resume(ck);
        Compare.exact("resumed once intact", a.model.parameter("fc.weight").data(), b.model.parameter("fc.weight").data());
    }

    @Test
    void whenTheSecondOptimizerRefusesItsStateTheFirstIsPutBackToo() throws IOException {
        Path ck = dir.resolve("ck");
        TinyMlp a = TinyMlp.images(25, 0, 4, 1);
        Trainer ta = Trainer.builder(a, new BatchLoader(BLOBS, 16, true, 9, false))
                .optimizers(new Sgd(a.sparseParameters(), 0.05, 0.9f), new Sgd(a.denseParameters(), 0.05, 0.9f)).build();
        ta.run(10);
        ta.saveCheckpoint(ck);

        TinyMlp b = TinyMlp.images(25, 0, 4, 5);
        Sgd first = new Sgd(b.sparseParameters(), 0.05, 0.9f);
        Sgd second = new Sgd(b.sparseParameters(), 0.05, 0.9f); // covers other parameters than the saved one
        Trainer tb = Trainer.builder(b, new BatchLoader(BLOBS, 16, true, 9, false)).optimizers(first, second).build();
        tb.run(3);
        java.io.ByteArrayOutputStream before = new java.io.ByteArrayOutputStream();
        first.saveTo(before);
        float[] weights = b.parameter("fc.weight").data().clone();
        CheckpointException e = assertThrows(CheckpointException.class, () -> tb.resume(ck));
        assertTrue(e.getMessage().contains("optimizer 1 refused its state"), e.getMessage());
        java.io.ByteArrayOutputStream after = new java.io.ByteArrayOutputStream();
        first.saveTo(after);
        assertTrue(java.util.Arrays.equals(before.toByteArray(), after.toByteArray()), "the first optimizer's state put back");
        assertEquals(3, first.steps());
        Compare.exact("model put back", weights, b.parameter("fc.weight").data());
        assertEquals(3, tb.completedSteps());
    }

    @Test
    void aCheckpointOfTheEarlierTwoFileLayoutIsRefusedSayingSo() throws IOException {
        Path ck = dir.resolve("old");
        Files.createDirectories(ck);
        Files.writeString(ck.resolve("checkpoint.json"), "{\"format\":\"nanoadam-checkpoint\",\"version\":1,\"step\":10}\n");
        Run b = sgdRun(5, 0.05);
        CheckpointException e = assertThrows(CheckpointException.class, () -> b.trainer.resume(ck));
        assertTrue(e.getMessage().contains("a version-1 checkpoint (model and optimizers in separate files)")
                && e.getMessage().contains("no longer reads"), e.getMessage());
        assertEquals(0, b.trainer.completedSteps());
    }

    @Test
    void aTrainingStepAllocatesNothingAfterWarmUp() {
        Jit.requireOptimisingCompiler();
        Run r = sgdRun(1, 0.05);
        long[] sink = new long[1];
        Trainer t = Trainer.builder(r.model, new BatchLoader(BLOBS, 16, true, 9, false)).optimizers(r.optimizer)
                .schedule(SCHEDULE).listener(new TrainingListener() {
                    @Override
                    public void onStep(long step, long epoch, float loss, double learningRate) {
                        sink[0] += step;
                    }
                }).build();
        for (int i = 0; i < 3000; i++) {
            t.trainStep();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        // Smallest count over five windows: a one-off (a late JIT deoptimisation) may land in one window,
        // while an allocation per step would show in every window as at least 500 bytes.
        long least = Long.MAX_VALUE;
        for (int window = 0; window < 5; window++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 500; i++) {
                t.trainStep();
            }
            least = Math.min(least, mx.getThreadAllocatedBytes(tid) - before);
        }
        assertEquals(0, least, "bytes allocated by 500 training steps (least of five windows)");
        assertTrue(sink[0] > 0);
    }

    @Test
    void schedulesWarmUpThenDecay() {
        LearningRateSchedule c = LearningRateSchedule.warmupCosine(10, 110, 0.1);
        assertEquals(0.1, c.learningRate(0, 1.0), 1e-15, "first warm-up step");
        assertEquals(1.0, c.learningRate(9, 1.0), 1e-15, "end of warm-up");
        assertEquals(1.0, c.learningRate(10, 1.0), 1e-15, "cosine starts at the base");
        assertEquals(0.55, c.learningRate(60, 1.0), 1e-12, "half-way: (1 + 0.1) / 2");
        assertEquals(0.1, c.learningRate(110, 1.0), 1e-15);
        assertEquals(0.1, c.learningRate(1000, 1.0), 1e-15, "constant after the end");
        LearningRateSchedule l = LearningRateSchedule.warmupLinear(0, 100, 0.5);
        assertEquals(0.75, l.learningRate(50, 1.0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(10, 10, 0.1));
        LearningRateSchedule half = LearningRateSchedule.warmupCosine(0, 1000, 0.5);
        for (int i = 0; i <= 1000; i++) {
            double reference = 0.5 + 0.5 * 0.5 * (1 + StrictMath.cos(StrictMath.PI * (i / 1000.0)));
            // a few ulps of 1: the cosine series' own rounding, and pi/2 - x computed in double
            assertEquals(reference, half.learningRate(i, 1.0), 1e-15, "step " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupLinear(0, 10, 0.0));
    }
}
