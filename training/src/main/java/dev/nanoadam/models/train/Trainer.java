package dev.nanoadam.models.train;

import dev.nanoadam.CheckpointException;
import dev.nanoadam.LearningRateSchedule;
import dev.nanoadam.Optimizer;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.models.data.Dataset;
import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.io.Checksums;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.io.DType;
import dev.nanoadam.models.io.ModelWeights;
import dev.nanoadam.models.io.SafetensorsFile;
import dev.nanoadam.models.io.SafetensorsWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Trains a {@link Classifier} with one or more {@link Optimizer}s on batches from a
 * {@link BatchLoader}.
 *
 * <p>One step, in this order: set each optimizer's learning rate from the schedule (if any);
 * take the next batch; {@link Classifier#lossAndGradients} (which zeroes and fills every
 * gradient; or the builder's {@link GradientSource}); {@link Optimizer#step()} on each optimizer in the order given; notify listeners.
 * NanoAdam updates both parameter groups itself, so a single optimizer is the usual case. After
 * warm-up (the loader's buffers, the model's workspaces) a step allocates nothing here.
 *
 * <p>Evaluation ({@link #evaluate}) switches the model to eval mode, predicts every example of a
 * data set in order, counts the right ones, and switches back to training mode.
 *
 * <p>Checkpoints ({@link #saveCheckpoint}, {@link #resume}) live in a directory: one file,
 * {@code checkpoint-STEP.safetensors}, holds every parameter and buffer (float32, under their
 * names) and each optimizer's state as it writes it with {@link Optimizer#saveTo} (a U8 tensor
 * {@code optimizer/I}); the manifest {@value #MANIFEST} holds the step, the loader's position and
 * settings, the base learning rates and that file's size and CRC-32C. The file is written
 * atomically and the manifest after it, so a crash at any moment leaves the previous checkpoint
 * intact; the file of the checkpoint it replaces is deleted after. A resumed trainer continues bit
 * for bit as an uninterrupted one would, provided the model computes deterministically from its
 * weights, buffers and batches. Checkpoints of the earlier layout (version 1: the optimizers in
 * files of their own) are refused, saying so.
 *
 * <pre>{@code
 * try (Optimizer opt = ...) {
 *     Trainer trainer = Trainer.builder(model, new BatchLoader(train, 64, true, 42, false))
 *             .optimizers(opt)
 *             .schedule(LearningRateSchedule.warmupCosine(100, 5000, 0.1))
 *             .evaluateEvery(500, test, 256)
 *             .checkpointEvery(1000, Path.of("ckpt"))
 *             .listener(progress)
 *             .build();
 *     if (Trainer.hasCheckpoint(Path.of("ckpt"))) {
 *         trainer.resume(Path.of("ckpt"));
 *     }
 *     trainer.run(5000);
 * }
 * }</pre>
 */
public final class Trainer {
    /** Name of the manifest file in a checkpoint directory. */
    public static final String MANIFEST = "checkpoint.json";
    private static final String FORMAT = "nanoadam-checkpoint";
    private static final long VERSION = 2;        // 2: one file holds the model and the optimizers' states
    private static final Pattern CHECKPOINT_FILE = Pattern.compile("checkpoint-\\d+\\.safetensors");
    /** Files of version-1 checkpoints, deleted with the checkpoint they belonged to. */
    private static final Pattern OLD_CHECKPOINT_FILE = Pattern.compile("(model-\\d+\\.safetensors|optimizer\\d+-\\d+\\.bin)");
    /** Prefix of the tensors holding the optimizers' states; no model tensor may start with it. */
    private static final String OPTIMIZER_TENSOR = "optimizer/";

    private final Classifier model;
    private final BatchLoader loader;
    private final List<Optimizer> optimizers;
    private final double[] baseLearningRates;      // [optimizers]: rate of each when training started
    private final LearningRateSchedule schedule;   // null: rates are left alone
    private final GradientSource gradients;
    private final List<TrainingListener> listeners;
    private final long evaluateEvery;
    private final Dataset evaluationData;
    private final int evaluationBatchSize;
    private final long checkpointEvery;
    private final Path checkpointDirectory;
    private long step;

    // Evaluation workspace, kept for the last data set evaluated.
    private BatchLoader evalLoader;
    private int[] predictions;                     // [evaluation batch size]

    private Trainer(Builder b) {
        this.model = b.model;
        this.loader = b.loader;
        this.optimizers = List.copyOf(b.optimizers);
        this.baseLearningRates = new double[optimizers.size()];
        for (int i = 0; i < optimizers.size(); i++) {
            baseLearningRates[i] = optimizers.get(i).learningRate();
        }
        this.schedule = b.schedule;
        this.gradients = b.gradients;
        this.listeners = List.copyOf(b.listeners);
        this.evaluateEvery = b.evaluateEvery;
        this.evaluationData = b.evaluationData;
        this.evaluationBatchSize = b.evaluationBatchSize;
        this.checkpointEvery = b.checkpointEvery;
        this.checkpointDirectory = b.checkpointDirectory;
    }

    /** Starts a builder for training {@code model} on the batches of {@code loader}. */
    public static Builder builder(Classifier model, BatchLoader loader) {
        return new Builder(model, loader);
    }

    /** Configures a {@link Trainer}. */
    public static final class Builder {
        private final Classifier model;
        private final BatchLoader loader;
        private final List<Optimizer> optimizers = new ArrayList<>();
        private LearningRateSchedule schedule;
        private GradientSource gradients = Classifier::lossAndGradients;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private long evaluateEvery;
        private Dataset evaluationData;
        private int evaluationBatchSize;
        private long checkpointEvery;
        private Path checkpointDirectory;

        private Builder(Classifier model, BatchLoader loader) {
            this.model = Objects.requireNonNull(model, "model");
            this.loader = Objects.requireNonNull(loader, "loader");
        }

        /** The optimizers to step, in this order, after each backward pass (at least one). */
        public Builder optimizers(Optimizer... opts) {
            for (Optimizer o : opts) {
                optimizers.add(Objects.requireNonNull(o, "optimizer"));
            }
            return this;
        }

        /** Sets every optimizer's rate before each step from its base rate; without one, rates are left alone. */
        public Builder schedule(LearningRateSchedule s) {
            this.schedule = Objects.requireNonNull(s, "schedule");
            return this;
        }

        /**
         * Where each step's loss and gradients come from (default: {@link Classifier#lossAndGradients}
         * on the batch); data-parallel training combines several replicas' gradients here.
         */
        public Builder gradients(GradientSource source) {
            this.gradients = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Adds a progress listener. */
        public Builder listener(TrainingListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        /** Evaluates accuracy on {@code data} every {@code steps} steps during {@link Trainer#run}. */
        public Builder evaluateEvery(long steps, Dataset data, int batchSize) {
            if (steps < 1 || batchSize < 1) {
                throw new IllegalArgumentException("evaluation interval and batch size must be positive, got " + steps
                        + " and " + batchSize);
            }
            this.evaluateEvery = steps;
            this.evaluationData = Objects.requireNonNull(data, "data");
            this.evaluationBatchSize = batchSize;
            return this;
        }

        /** Writes a checkpoint to {@code directory} every {@code steps} steps during {@link Trainer#run}. */
        public Builder checkpointEvery(long steps, Path directory) {
            if (steps < 1) {
                throw new IllegalArgumentException("checkpoint interval must be positive, got " + steps);
            }
            this.checkpointEvery = steps;
            this.checkpointDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * @throws IllegalArgumentException if no optimizer was given or one was given twice
         */
        public Trainer build() {
            if (optimizers.isEmpty()) {
                throw new IllegalArgumentException("a trainer needs at least one optimizer");
            }
            for (int i = 0; i < optimizers.size(); i++) {
                for (int j = 0; j < i; j++) {
                    if (optimizers.get(i) == optimizers.get(j)) {
                        throw new IllegalArgumentException("optimizer " + j + " is given twice (also as " + i + ")");
                    }
                }
            }
            return new Trainer(this);
        }
    }

    /** Steps done so far (restored by {@link #resume}). */
    public long completedSteps() {
        return step;
    }

    /** The loader the training batches come from. */
    public BatchLoader loader() {
        return loader;
    }

    /** Runs one training step and returns the batch's loss. */
    public float trainStep() {
        if (schedule != null) {
            for (int i = 0; i < optimizers.size(); i++) {
                optimizers.get(i).setLearningRate(schedule.learningRate(step, baseLearningRates[i]));
            }
        }
        Batch batch = loader.next();
        float loss = gradients.lossAndGradients(model, batch);
        for (int i = 0; i < optimizers.size(); i++) {
            optimizers.get(i).step();
        }
        step++;
        double lr = optimizers.get(0).learningRate();
        long epoch = loader.epoch();
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).onStep(step, epoch, loss, lr);
        }
        return loss;
    }

    /**
     * Trains until {@link #completedSteps()} reaches {@code untilStep}, evaluating and
     * checkpointing at the configured intervals (counted in completed steps).
     *
     * @throws IOException if a checkpoint cannot be written
     */
    public void run(long untilStep) throws IOException {
        if (untilStep < step) {
            throw new IllegalArgumentException("already at step " + step + ", cannot run until step " + untilStep);
        }
        model.train(true);
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).onStart(step, untilStep, loader.batchesPerEpoch());
        }
        while (step < untilStep) {
            trainStep();
            if (evaluateEvery > 0 && step % evaluateEvery == 0) {
                Evaluation e = evaluate(evaluationData, evaluationBatchSize);
                for (int i = 0; i < listeners.size(); i++) {
                    listeners.get(i).onEvaluation(step, e);
                }
            }
            if (checkpointEvery > 0 && step % checkpointEvery == 0) {
                saveCheckpoint(checkpointDirectory);
            }
        }
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).onFinish(step);
        }
    }

    /** Accuracy of the model on every example of {@code data}, predicted in eval mode, {@code batchSize} at a time. */
    public Evaluation evaluate(Dataset data, int batchSize) {
        if (evalLoader == null || evalLoader.dataset() != data || evalLoader.batchSize() != batchSize) {
            evalLoader = BatchLoader.inOrder(data, batchSize);
            predictions = new int[batchSize];
        }
        long correct = countCorrect(model, evalLoader, predictions);
        return new Evaluation(data.name(), correct, data.size());
    }

    /**
     * How many examples of one pass over {@code loader}, from its start, {@code model} predicts
     * right, predicting in eval mode into {@code predictions} (at least a batch long). The model is
     * left in training mode. Allocation-free.
     */
    public static long countCorrect(Classifier model, BatchLoader loader, int[] predictions) {
        loader.seek(0, 0);
        long correct = 0;
        model.train(false);
        try {
            for (int b = loader.batchesPerEpoch(); b > 0; b--) {
                Batch batch = loader.next();
                model.predict(batch, predictions);
                int[] labels = batch.labels();
                for (int i = 0; i < batch.size(); i++) {
                    if (predictions[i] == labels[i]) {
                        correct++;
                    }
                }
            }
        } finally {
            model.train(true);
        }
        return correct;
    }

    /** Whether {@code directory} holds a checkpoint manifest. */
    public static boolean hasCheckpoint(Path directory) {
        return Files.isRegularFile(directory.resolve(MANIFEST));
    }

    /**
     * Writes a checkpoint of the model, the optimizers and this trainer's state to {@code directory}
     * (created if absent), then deletes the file of the checkpoint it replaces. Give checkpoints a
     * directory of their own: any {@code checkpoint-N.safetensors} there that the new manifest does
     * not list is deleted (and the files of a version-1 checkpoint).
     */
    public void saveCheckpoint(Path directory) throws IOException {
        Files.createDirectories(directory);
        String fileName = "checkpoint-" + step + ".safetensors";
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(step));
        for (String name : ModelWeights.state(model).keySet()) {
            if (name.startsWith(OPTIMIZER_TENSOR)) {
                throw new IllegalArgumentException("model tensor '" + name + "' starts with '" + OPTIMIZER_TENSOR
                        + "', which checkpoints keep for the optimizers' states");
            }
        }
        SafetensorsWriter writer = ModelWeights.writer(model, meta);
        List<Object> opts = new ArrayList<>();
        for (int i = 0; i < optimizers.size(); i++) {
            ByteArrayOutputStream state = new ByteArrayOutputStream();
            optimizers.get(i).saveTo(state);
            byte[] bytes = state.toByteArray();
            writer.addRaw(OPTIMIZER_TENSOR + i, DType.U8, new long[] {bytes.length}, bytes);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("tensor", OPTIMIZER_TENSOR + i);
            entry.put("backend", optimizers.get(i).backendName());
            opts.add(entry);
        }
        Path file = directory.resolve(fileName);
        writer.write(file);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("version", VERSION);
        manifest.put("step", step);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", loader.dataset().name());
        data.put("size", (long) loader.dataset().size());
        data.put("batchSize", (long) loader.batchSize());
        data.put("shuffle", loader.shuffles());
        data.put("seed", loader.seed());
        data.put("dropLast", loader.dropsLast());
        data.put("epoch", loader.epoch());
        data.put("position", (long) loader.position());
        manifest.put("loader", data);
        List<Object> rates = new ArrayList<>();
        for (double r : baseLearningRates) {
            rates.add(r);
        }
        manifest.put("baseLearningRates", rates);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("file", fileName);
        entry.put("bytes", Files.size(file));
        entry.put("crc32c", Checksums.of(file));
        manifest.put("file", entry);
        manifest.put("optimizers", opts);
        AtomicFiles.write(directory.resolve(MANIFEST), (Json.write(manifest) + "\n").getBytes(StandardCharsets.UTF_8));
        deleteStale(directory, fileName);
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).onCheckpoint(step, directory);
        }
    }

    private static void deleteStale(Path directory, String current) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if ((CHECKPOINT_FILE.matcher(name).matches() || OLD_CHECKPOINT_FILE.matcher(name).matches())
                        && !name.equals(current)) {
                    stale.add(p);
                }
            }
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Restores the model, the optimizers and this trainer's step and data position from the
     * checkpoint in {@code directory}, all or nothing. Everything checkable is checked before
     * anything changes: the manifest, that the loader has the settings the checkpoint was written
     * with, the number of optimizers, the file's size and CRC-32C, and the model's tensor names and
     * shapes. If an optimizer then refuses its state, the model's weights, the optimizers that had
     * loaded theirs and the loader's position are put back.
     *
     * @throws CheckpointException naming what does not match
     */
    public void resume(Path directory) throws IOException {
        Path manifestFile = directory.resolve(MANIFEST);
        Map<String, Object> manifest;
        try {
            String text = Files.readString(manifestFile, StandardCharsets.UTF_8);
            if (!(Json.parse(text) instanceof Map<?, ?> m)) {
                throw new CheckpointException(manifestFile, "manifest is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> cast = (Map<String, Object>) m;
            manifest = cast;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(directory, "no checkpoint here (no " + MANIFEST + ")");
        } catch (Json.ParseException e) {
            throw new CheckpointException(manifestFile, "manifest is not valid JSON: " + e.getMessage());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CheckpointException(manifestFile, "manifest is not valid UTF-8");
        }
        Manifest m = new Manifest(manifestFile);
        if (!FORMAT.equals(m.string(manifest, "format"))) {
            throw new CheckpointException(manifestFile, "not a " + FORMAT + " manifest");
        }
        long version = m.integer(manifest, "version");
        if (version == 1) {
            throw new CheckpointException(manifestFile, "a version-1 checkpoint (model and optimizers in separate files), "
                    + "which this library no longer reads; it reads version " + VERSION + ": start the run again");
        }
        if (version != VERSION) {
            throw new CheckpointException(manifestFile, "checkpoint version " + version + ", this library reads version " + VERSION);
        }
        long savedStep = m.integer(manifest, "step");
        Map<String, Object> data = m.object(manifest, "loader");
        m.expect(data, "size", loader.dataset().size(), "training set size");
        m.expect(data, "batchSize", loader.batchSize(), "batch size");
        m.expect(data, "seed", loader.seed(), "data-order seed");
        m.expectFlag(data, "shuffle", loader.shuffles(), "shuffling");
        m.expectFlag(data, "dropLast", loader.dropsLast(), "dropLast");
        long epoch = m.integer(data, "epoch");
        long position = m.integer(data, "position");
        List<Object> rates = m.list(manifest, "baseLearningRates");
        List<Object> opts = m.list(manifest, "optimizers");
        if (opts.size() != optimizers.size() || rates.size() != optimizers.size()) {
            throw new CheckpointException(manifestFile, "checkpoint holds " + opts.size() + " optimizer(s), this trainer has "
                    + optimizers.size());
        }
        double[] restoredRates = new double[rates.size()];
        for (int i = 0; i < rates.size(); i++) {
            if (!(rates.get(i) instanceof Number n) || !(n.doubleValue() > 0) || !Double.isFinite(n.doubleValue())) {
                throw new CheckpointException(manifestFile, "base learning rate " + i + " is not a positive number: " + rates.get(i));
            }
            restoredRates[i] = n.doubleValue();
        }
        List<String> tensors = new ArrayList<>();
        for (Object o : opts) {
            if (!(o instanceof Map<?, ?>)) {
                throw new CheckpointException(manifestFile, "optimizer entry is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> entry = (Map<String, Object>) o;
            String tensor = m.string(entry, "tensor");
            if (!tensor.equals(OPTIMIZER_TENSOR + tensors.size())) {
                throw new CheckpointException(manifestFile, "optimizer " + tensors.size() + " is stored as '" + tensor
                        + "', expected '" + OPTIMIZER_TENSOR + tensors.size() + "'");
            }
            tensors.add(tensor);
        }
        Path file = m.verifiedFile(directory, m.object(manifest, "file"));
        if (position > Integer.MAX_VALUE || epoch < 0) {
            throw new CheckpointException(manifestFile, "loader position (epoch " + epoch + ", position " + position + ") is invalid");
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            byte[][] states = new byte[tensors.size()][];
            for (int i = 0; i < states.length; i++) {
                if (!f.contains(tensors.get(i)) || f.tensor(tensors.get(i)).dtype() != DType.U8) {
                    throw new CheckpointException(file, "holds no U8 tensor '" + tensors.get(i) + "' (optimizer " + i + "'s state)");
                }
                states[i] = f.readBytes(tensors.get(i));
            }
            long oldEpoch = loader.epoch();
            int oldPosition = loader.position();
            try {
                loader.seek(epoch, (int) position); // validates the position first; undone below on failure
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(manifestFile, e.getMessage());
            }
            Map<String, float[]> snapshot = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : ModelWeights.state(model).entrySet()) {
                snapshot.put(e.getKey(), e.getValue().clone());
            }
            byte[][] before = new byte[optimizers.size()][];
            int loaded = 0;
            try {
                ModelWeights.load(model, f, name -> name.startsWith(OPTIMIZER_TENSOR)); // all or nothing
                for (; loaded < optimizers.size(); loaded++) {
                    ByteArrayOutputStream old = new ByteArrayOutputStream();
                    optimizers.get(loaded).saveTo(old);
                    before[loaded] = old.toByteArray();
                    optimizers.get(loaded).loadFrom(new ByteArrayInputStream(states[loaded])); // all or nothing
                }
            } catch (IOException | RuntimeException e) {
                for (Map.Entry<String, float[]> s : ModelWeights.state(model).entrySet()) {
                    System.arraycopy(snapshot.get(s.getKey()), 0, s.getValue(), 0, s.getValue().length);
                }
                for (int i = 0; i < loaded; i++) {
                    optimizers.get(i).loadFrom(new ByteArrayInputStream(before[i]));
                }
                loader.seek(oldEpoch, oldPosition);
                if (e instanceof IOException) {
                    throw new CheckpointException(file, "optimizer " + loaded + " refused its state: " + e.getMessage(), e);
                }
                throw e;
            }
        }
        System.arraycopy(restoredRates, 0, baseLearningRates, 0, restoredRates.length);
        step = savedStep;
    }

    /** Typed access to manifest fields, each failure naming the field. */
    private static final class Manifest {
        private final Path file;

        Manifest(Path file) {
            this.file = file;
        }

        String string(Map<String, Object> o, String key) throws CheckpointException {
            if (!(o.get(key) instanceof String s)) {
                throw new CheckpointException(file, "field \"" + key + "\" is missing or not a string");
            }
            return s;
        }

        long integer(Map<String, Object> o, String key) throws CheckpointException {
            if (!(o.get(key) instanceof Long l) || l < 0) {
                throw new CheckpointException(file, "field \"" + key + "\" is missing or not a non-negative integer");
            }
            return l;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(Map<String, Object> o, String key) throws CheckpointException {
            if (!(o.get(key) instanceof Map<?, ?> m)) {
                throw new CheckpointException(file, "field \"" + key + "\" is missing or not an object");
            }
            return (Map<String, Object>) m;
        }

        @SuppressWarnings("unchecked")
        List<Object> list(Map<String, Object> o, String key) throws CheckpointException {
            if (!(o.get(key) instanceof List<?> l)) {
                throw new CheckpointException(file, "field \"" + key + "\" is missing or not an array");
            }
            return (List<Object>) l;
        }

        void expect(Map<String, Object> o, String key, long actual, String what) throws CheckpointException {
            Object v = o.get(key);
            if (!(v instanceof Long l) || l != actual) {
                throw new CheckpointException(file, "checkpoint was written with " + what + " " + v + ", this trainer has " + actual);
            }
        }

        void expectFlag(Map<String, Object> o, String key, boolean actual, String what) throws CheckpointException {
            Object v = o.get(key);
            if (!(v instanceof Boolean b) || b != actual) {
                throw new CheckpointException(file, "checkpoint was written with " + what + " " + v + ", this trainer has " + actual);
            }
        }

        Path verifiedFile(Path directory, Map<String, Object> entry) throws IOException {
            String name = string(entry, "file");
            if (!CHECKPOINT_FILE.matcher(name).matches()) {
                throw new CheckpointException(file, "file name \"" + name + "\" is not one a checkpoint writes");
            }
            long bytes = integer(entry, "bytes");
            long crc = integer(entry, "crc32c");
            Path p = directory.resolve(name);
            if (!Files.isRegularFile(p)) {
                throw new CheckpointException(p, "missing (listed in " + MANIFEST + ")");
            }
            long size = Files.size(p);
            if (size != bytes) {
                throw new CheckpointException(p, "is " + size + " bytes, the manifest says " + bytes + " (truncated or replaced)");
            }
            long actual = Checksums.of(p);
            if (actual != crc) {
                throw new CheckpointException(p, String.format(Checksums.NAME + " is %08x, the manifest says %08x (corrupted)",
                        actual, crc));
            }
            return p;
        }
    }
}
