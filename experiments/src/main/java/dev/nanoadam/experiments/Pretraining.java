package dev.nanoadam.experiments;

import dev.nanoadam.Optimizer;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.data.BatchLoader;
import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.io.Checksums;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.io.ModelWeights;
import dev.nanoadam.LearningRateSchedule;
import dev.nanoadam.models.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Task 1: trains a fresh model on the first task's classes with AdamW (linear warm-up over the
 * first 5% of the steps, then cosine decay to 5% of the rate), or takes the result from the cache.
 *
 * <p>The cache lives in {@code CACHE/pretrain-KEY/}, where KEY is the first 16 hex digits of the
 * SHA-256 of the configuration as JSON ({@link #configJson}): the model's settings, the data set,
 * the classes, steps, batch size, rate and seed. It holds {@code model.safetensors} and
 * {@code pretrain.json} (the configuration, the file's CRC-32C, the task-1 test accuracy), written
 * in that order, each atomically, so a half-written entry has no {@code pretrain.json} and is not
 * used. An entry that fails its checks is reported in one line and trained again.
 */
public final class Pretraining {
    private static final String FORMAT = "nanoadam-pretrain";
    private static final long VERSION = 1;
    private static final double WARMUP_FRACTION = 0.05;
    private static final double FINAL_LR_FACTOR = 0.05;

    /**
     * How task 1 is trained.
     *
     * @param backend optimizer backend; not part of the cache key, since every backend computes the same bits
     */
    public record Settings(int steps, int batchSize, double lr, long seed, String backend) {
        public Settings {
            if (steps < 1 || batchSize < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("pretraining needs steps >= 1, batch size >= 1 and lr > 0, got "
                        + steps + ", " + batchSize + ", " + lr);
            }
        }
    }

    /**
     * A model trained on task 1.
     *
     * @param model the model, with its task-1 head
     * @param task1Accuracy accuracy on the whole task-1 test set
     * @param cached whether it came from the cache
     * @param directory the cache entry (null without a cache)
     * @param seconds training time (of the original run when cached)
     */
    public record Result(Classifier model, double task1Accuracy, boolean cached, Path directory, double seconds) {
    }

    private Pretraining() {
    }

    /** The configuration that keys the cache. */
    public static Map<String, Object> configJson(ModelFactory factory, Tasks tasks, Settings s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("format", FORMAT);
        c.put("version", VERSION);
        c.put("model", factory.spec());
        c.put("model_config", factory.config());
        c.put("data", tasks.data().cliName());
        c.put("classes", ints(tasks.task1Classes()));
        c.put("steps", (long) s.steps());
        c.put("batch_size", (long) s.batchSize());
        c.put("lr", s.lr());
        c.put("schedule", "warmup " + WARMUP_FRACTION + ", cosine to " + FINAL_LR_FACTOR);
        c.put("seed", s.seed());
        return c;
    }

    /** The cache entry directory for a configuration. */
    public static Path entry(Path cacheDir, Map<String, Object> config) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.write(config).getBytes(StandardCharsets.UTF_8));
            return cacheDir.resolve("pretrain-" + HexFormat.of().formatHex(digest, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The task-1 model: from {@code cacheDir} when a valid entry exists, else trained (and stored
     * there when {@code cacheDir} is not null).
     */
    public static Result obtain(ModelFactory factory, Tasks tasks, Settings s, Path cacheDir, Console console)
            throws IOException {
        Map<String, Object> config = configJson(factory, tasks, s);
        Path dir = cacheDir == null ? null : entry(cacheDir, config);
        if (dir != null && Files.isRegularFile(dir.resolve("pretrain.json"))) {
            try {
                Result r = load(factory, tasks, s, config, dir);
                console.say(String.format(Locale.ROOT, "pretrained model from cache %s (task-1 accuracy %.4f)", dir, r.task1Accuracy()));
                return r;
            } catch (IOException | IllegalArgumentException e) {
                console.say("cached pretraining in " + dir + " is unusable (" + e.getMessage() + "); training again");
            }
        }
        Classifier model = factory.create(tasks.channels(), tasks.height(), tasks.width(),
                tasks.task1Classes().length, s.seed());
        long start = System.nanoTime();
        BatchLoader loader = new BatchLoader(tasks.task1Train(), s.batchSize(), true, s.seed(), true);
        try (Optimizer opt = OptimizerSpec.adamw(s.lr(), s.backend()).build(model, s.steps())) {
            Trainer trainer = Trainer.builder(model, loader).optimizers(opt)
                    .schedule(warmupCosine(s.steps()))
                    .listener(console.progress("pretrain on classes " + Tasks.describe(tasks.task1Classes())))
                    .build();
            trainer.run(s.steps());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double accuracy = new Accuracy(tasks.task1Test(), 250).of(model);
        console.say(String.format(Locale.ROOT, "task-1 test accuracy after pretraining: %.4f (%d images)",
                accuracy, tasks.task1Test().size()));
        if (dir != null) {
            store(model, config, accuracy, tasks.task1Test().size(), seconds, dir);
        }
        return new Result(model, accuracy, false, dir, seconds);
    }

    /** The pretraining schedule; a run too short for warm-up plus decay still gets a valid one. */
    static LearningRateSchedule warmupCosine(long steps) {
        long warmup = Math.max(1, Math.round(WARMUP_FRACTION * steps));
        return LearningRateSchedule.warmupCosine(warmup, Math.max(steps, warmup + 1), FINAL_LR_FACTOR);
    }

    private static void store(Classifier model, Map<String, Object> config, double accuracy, long testExamples,
                              double seconds, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path weights = dir.resolve("model.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model", String.valueOf(config.get("model")));
        ModelWeights.save(model, weights, meta);
        Map<String, Object> info = new LinkedHashMap<>(config);
        info.put("model_crc32c", Checksums.of(weights));
        info.put("task1_acc", accuracy);
        info.put("task1_test_examples", (long) testExamples);
        info.put("seconds", seconds);
        AtomicFiles.write(dir.resolve("pretrain.json"), (Json.write(info) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Result load(ModelFactory factory, Tasks tasks, Settings s, Map<String, Object> config, Path dir)
            throws IOException {
        Path infoFile = dir.resolve("pretrain.json");
        Map<String, Object> info;
        try {
            if (!(Json.parse(Files.readString(infoFile, StandardCharsets.UTF_8)) instanceof Map<?, ?> m)) {
                throw new IOException(infoFile + " is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> cast = (Map<String, Object>) m;
            info = cast;
        } catch (Json.ParseException e) {
            throw new IOException(infoFile + " is not valid JSON: " + e.getMessage());
        }
        for (Map.Entry<String, Object> e : config.entrySet()) {
            if (!Json.write(e.getValue()).equals(Json.write(info.get(e.getKey())))) {
                throw new IOException(infoFile + " was written for another configuration (" + e.getKey() + ")");
            }
        }
        Path weights = dir.resolve("model.safetensors");
        if (!(info.get("model_crc32c") instanceof Long crc) || !Files.isRegularFile(weights) || Checksums.of(weights) != crc) {
            throw new IOException(weights + " is missing or does not match its CRC-32C");
        }
        if (!(info.get("task1_acc") instanceof Number acc) || !(info.get("seconds") instanceof Number seconds)) {
            throw new IOException(infoFile + " lacks task1_acc or seconds");
        }
        Classifier model = factory.create(tasks.channels(), tasks.height(), tasks.width(),
                tasks.task1Classes().length, s.seed());
        ModelWeights.load(model, weights);
        // The stored accuracy is for the whole test set; a shortened one is measured again.
        double accuracy = info.get("task1_test_examples") instanceof Long n && n == tasks.task1Test().size()
                ? acc.doubleValue() : new Accuracy(tasks.task1Test(), 250).of(model);
        return new Result(model, accuracy, true, dir, seconds.doubleValue());
    }

    static List<Object> ints(int[] values) {
        List<Object> out = new ArrayList<>();
        for (int v : values) {
            out.add((long) v);
        }
        return out;
    }
}
