package dev.nanoadam.experiments;

import dev.nanoadam.Optimizer;
import dev.nanoadam.distributed.DataParallel;
import dev.nanoadam.distributed.Mpi;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.data.Datasets;
import dev.nanoadam.models.train.Trainer;
import dev.nanoadam.models.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Task 2 of the continual-learning experiment (the paper's Section 4, Table 4 and Table 5), one
 * optimizer at a time, from the same pretrained weights, the same new head and the same batches.
 *
 * <p>A run: a model for task 2 gets the pretrained backbone (every parameter and buffer outside the
 * head) and a new head drawn from {@code headSeed}; the optimizer trains it on task 2 at a constant
 * rate. Task-1 accuracy is measured as the paper does, with the task-1 head restored: a second
 * model holds the pretrained task-1 head, takes the current backbone (BatchNorm statistics
 * included) and is evaluated on task 1. Every {@code evalEvery} steps both tasks are measured on
 * the first {@code curveExamples} test examples for the curves; at the end on the whole test sets.
 * The backbone shift compares the final task-2 backbone with the pretrained one, parameters only.
 */
public final class FineTuning {

    /**
     * How task 2 is trained and measured.
     *
     * @param dataSeed seed of the batch order (the same for every optimizer)
     * @param headSeed seed of the new task-2 head (the same for every optimizer)
     * @param evalEvery steps between curve points
     * @param curveExamples test examples per task for each curve point
     * @param evalBatchSize examples per forward pass when measuring
     */
    public record Settings(int steps, int batchSize, long dataSeed, long headSeed, int evalEvery, int curveExamples,
                           int evalBatchSize) {
        public Settings {
            if (steps < 1 || batchSize < 1 || evalEvery < 1 || curveExamples < 1 || evalBatchSize < 1) {
                throw new IllegalArgumentException("fine-tuning needs steps, batch size, evaluation interval, curve"
                        + " examples and evaluation batch size >= 1, got " + steps + ", " + batchSize + ", " + evalEvery
                        + ", " + curveExamples + ", " + evalBatchSize);
            }
        }
    }

    /**
     * Where a resumable run keeps its checkpoints and curve.
     *
     * @param directory checkpoint directory (the {@link Trainer}'s format)
     * @param every steps between checkpoints
     * @param curveFile where the curve is written through
     * @param resume continue from the checkpoint in {@code directory}, if there is one
     */
    public record Checkpoints(Path directory, int every, Path curveFile, boolean resume) {
        public Checkpoints {
            Objects.requireNonNull(directory, "directory");
            if (every < 1) {
                throw new IllegalArgumentException("checkpoint interval must be >= 1, got " + every);
            }
        }
    }

    /**
     * What one optimizer did. Accuracies are fractions of the whole test set of their task.
     *
     * @param task1Acc task-1 accuracy before task 2 (after pretraining)
     * @param task2Acc task-2 accuracy after task 2
     * @param task1AccAfter task-1 accuracy after task 2, task-1 head restored
     * @param forgetting {@code task1Acc - task1AccAfter}
     * @param l2Shift L2 distance of the backbone parameters from the pretrained ones
     * @param untouchedFraction fraction of backbone weights whose bits never changed
     * @param stateBytes optimizer state at the end of the run, as SPEC.md §9 counts it
     * @param peakHeapBytes sum of the heap pools' peaks during the run ({@link HeapPeak})
     * @param seconds wall time of the training steps of this process (curve evaluations excluded)
     * @param stepsRun steps this process ran (fewer than the total after a resume)
     * @param model the fine-tuned task-2 model
     */
    public record Result(OptimizerSpec spec, double task1Acc, double task2Acc, double task1AccAfter, double forgetting,
                         double l2Shift, double untouchedFraction, long stateBytes, long peakHeapBytes, double seconds,
                         long stepsRun, List<Curve.Point> curve, Classifier model) {
    }

    private final ModelFactory factory;
    private final Tasks tasks;
    private final Map<String, float[]> pretrained;   // every parameter and buffer after task 1
    private final double task1Acc;
    private final Settings settings;
    private final Console console;
    private final Predicate<String> isHead;
    private final Predicate<String> backbone;
    private final Classifier task1Model;             // pretrained task-1 head; takes the backbone to measure task 1
    private final Accuracy task1Curve;
    private final Accuracy task2Curve;
    private final Accuracy task1Full;
    private final Accuracy task2Full;

    /**
     * @param pretrainedModel the task-1 model (only read: its state is copied)
     * @param task1Acc its task-1 test accuracy
     */
    public FineTuning(ModelFactory factory, Tasks tasks, Classifier pretrainedModel, double task1Acc, Settings settings,
                      Console console) {
        this.factory = factory;
        this.tasks = tasks;
        this.pretrained = ModelState.snapshot(pretrainedModel);
        this.task1Acc = task1Acc;
        this.settings = settings;
        this.console = console;
        this.isHead = factory::isHead;
        this.backbone = isHead.negate();
        this.task1Model = factory.create(tasks.channels(), tasks.height(), tasks.width(), tasks.task1Classes().length, 0);
        ModelState.copyInto(pretrained, task1Model, name -> true);
        this.task1Curve = new Accuracy(Datasets.head(tasks.task1Test(), settings.curveExamples()), settings.evalBatchSize());
        this.task2Curve = new Accuracy(Datasets.head(tasks.task2Test(), settings.curveExamples()), settings.evalBatchSize());
        this.task1Full = new Accuracy(tasks.task1Test(), settings.evalBatchSize());
        this.task2Full = new Accuracy(tasks.task2Test(), settings.evalBatchSize());
    }

    /** The task-2 model every run starts from: pretrained backbone, new head from {@code headSeed}. */
    public Classifier startingModel() {
        Classifier model = factory.create(tasks.channels(), tasks.height(), tasks.width(), tasks.task2Classes().length,
                settings.headSeed());
        ModelState.copyInto(pretrained, model, backbone);
        return model;
    }

    /** Task-1 accuracy of {@code model}'s backbone with the task-1 head, on {@code accuracy}'s examples. */
    private double task1(Classifier model, Accuracy accuracy) {
        ModelState.copy(model, task1Model, backbone);
        return accuracy.of(task1Model);
    }

    /**
     * Runs each optimizer {@code steps} steps on a scratch copy of the starting model, and one
     * curve evaluation, untimed and unrecorded, so that the first timed run does not pay alone for
     * the JIT compiling the model's and the optimizers' code.
     */
    public void warmUp(List<OptimizerSpec> specs, int steps) throws IOException {
        if (steps < 1) {
            return;
        }
        Classifier scratch = startingModel();
        BatchLoader loader = new BatchLoader(tasks.task2Train(), settings.batchSize(), true, ~settings.dataSeed(), true);
        for (OptimizerSpec spec : specs) {
            try (Optimizer opt = spec.build(scratch, steps)) {
                Trainer.builder(scratch, loader).optimizers(opt).build().run(steps);
            }
        }
        task1(scratch, task1Curve);
        task2Curve.of(scratch);
    }

    /** Fine-tunes with {@code spec} in memory. */
    public Result run(OptimizerSpec spec) throws IOException {
        return run(spec, null);
    }

    /**
     * Fine-tunes with {@code spec}; with {@code checkpoints}, writes a checkpoint every so many
     * steps and, when asked, resumes from the last one, ending with exactly the weights an
     * uninterrupted run ends with. The system property {@value CrashPoint#PROPERTY} halts the JVM
     * at a given step or checkpoint ({@link CrashPoint}), to test exactly that.
     */
    public Result run(OptimizerSpec spec, Checkpoints checkpoints) throws IOException {
        return run(spec, checkpoints, null);
    }

    /**
     * As {@link #run(OptimizerSpec, Checkpoints)}, as one rank of a data-parallel MPI job when
     * {@code mpi} is given ({@link DataParallel}): every batch is split over the ranks, weights and
     * buffers are sent from rank 0 at the start and after a resume, and only rank 0 measures the
     * curve, writes checkpoints and returns a result (the others return null).
     */
    public Result run(OptimizerSpec spec, Checkpoints checkpoints, Mpi mpi) throws IOException {
        Classifier model = startingModel();
        BatchLoader loader = new BatchLoader(tasks.task2Train(), settings.batchSize(), true, settings.dataSeed(), true);
        boolean root = mpi == null || mpi.rank() == 0;
        Curve curve = new Curve(checkpoints == null || !root ? null : checkpoints.curveFile());
        try (Optimizer opt = spec.build(model, settings.steps())) {
            CurveListener points = new CurveListener(model, curve);
            DataParallel parallel = mpi == null ? null : DataParallel.overMpi(mpi, model, opt);
            Trainer.Builder b = Trainer.builder(model, loader).optimizers(opt);
            if (root) {
                b.listener(console.progress("fine-tune " + spec.label() + " on classes "
                        + Tasks.describe(tasks.task2Classes()))).listener(points);
            }
            if (parallel != null) {
                b.gradients(parallel);
            }
            if (checkpoints != null && root) {
                b.checkpointEvery(checkpoints.every(), checkpoints.directory());
            }
            CrashPoint crash = CrashPoint.fromSystemProperty(mpi == null ? 0 : mpi.rank());
            if (crash != null) {
                b.listener(crash);
            }
            Trainer trainer = b.build();
            if (checkpoints != null && checkpoints.resume() && Trainer.hasCheckpoint(checkpoints.directory())) {
                trainer.resume(checkpoints.directory());
                curve.resumeAt(trainer.completedSteps());
                console.say("resumed " + spec.label() + " at step " + trainer.completedSteps() + " of " + settings.steps()
                        + (parallel == null ? "" : " on " + parallel.replicas() + " ranks"));
            } else if (root) {
                curve.clear();
                curve.add(new Curve.Point(0, task1(model, task1Curve), task2Curve.of(model)));
            }
            if (parallel != null) {
                parallel.broadcastFromRoot();
            }
            long firstStep = trainer.completedSteps();
            HeapPeak.reset();
            long start = System.nanoTime();
            try {
                trainer.run(settings.steps());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            double seconds = (System.nanoTime() - start - points.evaluationNanos) / 1e9;
            if (!root) {
                return null;
            }
            if (parallel != null) {
                console.say(parallel.summary());
            }
            long peak = HeapPeak.bytes();
            long stateBytes = opt.stateBytes();
            double task2Acc = task2Full.of(model);
            double task1After = task1(model, task1Full);
            ModelState.Shift shift = ModelState.backboneShift(pretrained, model, isHead);
            return new Result(spec, task1Acc, task2Acc, task1After, task1Acc - task1After, shift.l2(),
                    shift.untouchedFraction(), stateBytes, peak, seconds, settings.steps() - firstStep,
                    curve.points(), model);
        }
    }

    /** Measures both tasks every {@code evalEvery} steps and at the last step, timing itself. */
    private final class CurveListener implements TrainingListener {
        private final Classifier model;
        private final Curve curve;
        long evaluationNanos;

        CurveListener(Classifier model, Curve curve) {
            this.model = model;
            this.curve = curve;
        }

        @Override
        public void onStep(long step, long epoch, float loss, double learningRate) {
            if (step % settings.evalEvery() != 0 && step != settings.steps()) {
                return;
            }
            long start = System.nanoTime();
            try {
                curve.add(new Curve.Point(step, task1(model, task1Curve), task2Curve.of(model)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            evaluationNanos += System.nanoTime() - start;
        }
    }
}
