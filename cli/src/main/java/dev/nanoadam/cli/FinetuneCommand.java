package dev.nanoadam.cli;

import dev.nanoadam.experiments.Console;
import dev.nanoadam.experiments.FineTuning;
import dev.nanoadam.experiments.ModelFactory;
import dev.nanoadam.experiments.OptimizerSpec;
import dev.nanoadam.experiments.Results;
import dev.nanoadam.experiments.Tasks;
import dev.nanoadam.experiments.report.Plots;
import dev.nanoadam.distributed.Mpi;
import dev.nanoadam.distributed.MpiException;
import dev.nanoadam.distributed.MpiRun;
import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.models.io.ModelWeights;
import dev.nanoadam.models.train.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nanoadam finetune}: one fine-tuning run of the demo's machinery with every setting open,
 * checkpointed so that {@code --resume DIR} after a kill at any moment ends with the same weights,
 * bit for bit, as a run that was never stopped.
 *
 * <p>The output directory holds {@value #SETTINGS} (every option's value, written before
 * training starts), {@code checkpoint/} (the trainer's atomic checkpoints), {@code curve.json},
 * and at the end {@code model.safetensors}, {@code results.json}, {@code curves.csv},
 * {@code accuracy.png} and {@code summary.png}.
 *
 * <p>With {@code --ranks N} (N > 1) the command starts {@code mpirun -np N} copies of itself on this
 * machine ({@link MpiRun}); each is one rank of a data-parallel run ({@code dev.nanoadam.distributed}):
 * every batch is split into N slices, rank 0 writes the output and the checkpoints, and when a rank
 * dies the job ends and this command says which rank and where to resume.
 */
@Command(name = "finetune", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Fine-tune a pretrained model on new classes with one optimizer, checkpointing as it goes. "
            + "By default it starts from the demo's pretraining (classes 0-4 of Fashion-MNIST, cached) and trains on classes 5-9. "
            + "Killed at any moment, --resume DIR ends with the same weights as a run never stopped."})
final class FinetuneCommand implements Callable<Integer> {
    /** The file in the output directory that records the run's settings for {@code --resume}. */
    static final String SETTINGS = "finetune.json";
    private static final String FORMAT = "nanoadam-finetune";

    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions options;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "nanoadam",
            description = "nanoadam, adamw, adamw8bit, galore or microadam (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR",
            description = "learning rate (default: the demo's rate of the optimizer: nanoadam " + ExperimentOptions.LR_NANOADAM
                + ", adamw " + ExperimentOptions.LR_ADAMW + ", adamw8bit " + ExperimentOptions.LR_ADAMW8BIT + ", galore "
                + ExperimentOptions.LR_GALORE + ", microadam " + ExperimentOptions.LR_MICROADAM + ")")
    Double lr;

    @Option(names = "--density", paramLabel = "K", defaultValue = "0.05",
            description = "NanoAdam: fraction of each chunk updated (default: ${DEFAULT-VALUE})")
    double density;

    @Option(names = "--final-density", paramLabel = "K",
            description = "NanoAdam: density at the last step of a linear schedule (needs --density-interval)")
    Double finalDensity;

    @Option(names = "--density-interval", paramLabel = "D", defaultValue = "0",
            description = "NanoAdam: steps between density updates; 0 keeps the density fixed (default: ${DEFAULT-VALUE})")
    int densityInterval;

    @Option(names = "--mask-interval", paramLabel = "M", defaultValue = "100",
            description = "NanoAdam: steps between mask refreshes (default: ${DEFAULT-VALUE})")
    int maskInterval;

    @Option(names = "--criterion", paramLabel = "NAME", defaultValue = "smallest",
            description = "NanoAdam: smallest, largest, random or large-gradient (the paper's Fig. 4 ablation) (default: ${DEFAULT-VALUE})")
    String criterion;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "300",
            description = "fine-tuning steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
            description = "batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--pretrained", paramLabel = "FILE",
            description = "start from these weights (.safetensors with the task-1 head), or 'none' for random ones (default: the cached pretraining, made if missing)")
    String pretrained;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "50",
            description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "nanoadam-finetune",
            description = "output directory; must not hold another run (default: ./${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "continue the run in DIR from its last checkpoint, with its settings (only --backend and --ranks may be given too)")
    Path resume;

    @Option(names = "--ranks", paramLabel = "N", defaultValue = "1",
            description = "data-parallel over N processes on this machine, started with Open MPI's mpirun; each batch is split"
                    + " into N equal slices and the ranks exchange only the gradient entries the step reads (default: ${DEFAULT-VALUE})")
    int ranks;

    @Override
    public Integer call() throws Exception {
        if (ranks < 1) {
            throw new IllegalArgumentException("--ranks must be >= 1, got " + ranks);
        }
        if (ranks == 1) {
            return run(null);
        }
        if (!Mpi.launchedByMpirun()) {
            return launchRanks();
        }
        Mpi mpi = Mpi.init();
        if (mpi.size() != ranks) {
            throw new MpiException("--ranks " + ranks + ", but mpirun started " + mpi.size() + " ranks");
        }
        int status = 0;
        try {
            status = run(mpi);
        } catch (Exception | Error e) {
            // One rank failing would leave the others waiting in the exchange: end them all.
            String line = Failures.oneLine(e);
            System.err.println("nanoadam finetune: rank " + mpi.rank() + ": " + (line != null ? line : e));
            if (line == null) {
                e.printStackTrace();
            }
            System.err.flush();
            mpi.abort(Failures.FAILED);
        }
        mpi.close();
        return status;
    }

    /** This run, alone ({@code mpi} null) or as one rank of an MPI job. */
    private Integer run(Mpi mpi) throws Exception {
        if (resume != null) {
            return resumeRun(mpi);
        }
        boolean root = mpi == null || mpi.rank() == 0;
        if (root && Files.exists(out.resolve(SETTINGS))) {
            throw new IllegalArgumentException(out + " already holds a fine-tuning run (" + SETTINGS
                    + "); continue it with --resume " + out + " or choose another --out");
        }
        OptimizerSpec opt = optimizerSpec();  // validates before anything is written
        if (batchSize % ranks != 0) {
            throw new IllegalArgumentException("--batch-size " + batchSize + " does not split into --ranks " + ranks
                    + " equal slices");
        }
        if (root) {
            Files.createDirectories(out);
            writeSettings(out.resolve(SETTINGS));
        }
        return train(out, opt, false, mpi);
    }

    /**
     * Starts {@code mpirun -np ranks} copies of this command in JVMs like this one and waits; when
     * the job fails, says which rank ended it and how to continue from the last checkpoint.
     */
    private Integer launchRanks() throws Exception {
        if (resume == null && Files.exists(out.resolve(SETTINGS))) {
            throw new IllegalArgumentException(out + " already holds a fine-tuning run (" + SETTINGS
                    + "); continue it with --resume " + out + " --ranks " + ranks + " or choose another --out");
        }
        if (resume == null && batchSize % ranks != 0) {
            throw new IllegalArgumentException("--batch-size " + batchSize + " does not split into --ranks " + ranks
                    + " equal slices");
        }
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (args.isEmpty() || !args.get(0).equals(spec.name())) {
            args.add(0, spec.name());
        }
        MpiRun.Outcome outcome = MpiRun.run(ranks, MpiRun.thisJvm(Main.class.getName(), args), System.out);
        if (outcome.succeeded()) {
            return 0;
        }
        Path dir = resume != null ? resume : out;
        Path checkpoint = dir.resolve("checkpoint");
        String last = Trainer.hasCheckpoint(checkpoint)
                ? "the last checkpoint (step " + checkpointStep(checkpoint) + ") is in " + checkpoint
                : "no checkpoint was written yet";
        throw new MpiException("the " + ranks + "-rank job stopped: "
                + (outcome.failedRank() >= 0 ? "rank " + outcome.failedRank() + " " + outcome.failure() : "mpirun exited with status " + outcome.status())
                + "; " + last + "; continue with: nanoadam finetune --resume " + dir + " --ranks " + ranks);
    }

    private static String checkpointStep(Path checkpoint) {
        try {
            Object m = Json.parse(Files.readString(checkpoint.resolve(Trainer.MANIFEST), StandardCharsets.UTF_8));
            return m instanceof Map<?, ?> map ? String.valueOf(map.get("step")) : "?";
        } catch (IOException | Json.ParseException e) {
            return "? (" + e.getMessage() + ")";
        }
    }

    private OptimizerSpec optimizerSpec() {
        if (optimizer.contains(",")) {
            throw new IllegalArgumentException("--optimizer " + optimizer + ": finetune runs one optimizer per output "
                    + "directory; 'nanoadam demo --optimizer LIST' compares several");
        }
        OptimizerSpec.Kind kind;
        try {
            kind = OptimizerSpec.parseKind(optimizer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--optimizer: " + e.getMessage());
        }
        if (finalDensity != null && densityInterval == 0) {
            throw new IllegalArgumentException("--final-density needs --density-interval D > 0 (the schedule's update interval)");
        }
        double rate = lr == null ? ExperimentOptions.demoLearningRate(kind) : lr;
        if (kind == OptimizerSpec.Kind.NANOADAM) {
            return new OptimizerSpec(kind, rate, density, finalDensity == null ? density : finalDensity, densityInterval,
                    maskInterval, OptimizerSpec.parseCriterion(criterion), options.backend, options.seed);
        }
        return OptimizerSpec.baseline(kind, rate, options.backend);
    }

    private Integer train(Path dir, OptimizerSpec opt, boolean resuming, Mpi mpi) throws Exception {
        boolean root = mpi == null || mpi.rank() == 0;
        Console console = root ? Console.system() : new Console(new PrintStream(OutputStream.nullOutputStream()), false);
        FineTuning.Settings settings = options.fineTuning(steps, batchSize);
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 1, got " + checkpointEvery);
        }
        ModelFactory factory = options.modelFactory();
        options.checkBackend();
        Tasks tasks = options.loadTasks();
        if (!root) {
            mpi.barrier();   // rank 0 makes the cached pretraining, if missing, before the others read it
        }
        ExperimentOptions.Start start = options.start(factory, tasks, pretrained, console);
        if (root && mpi != null) {
            mpi.barrier();
        }
        FineTuning fineTuning = new FineTuning(factory, tasks, start.model(), start.task1Accuracy(), settings, console);
        FineTuning.Result r = fineTuning.run(opt, new FineTuning.Checkpoints(dir.resolve("checkpoint"), checkpointEvery,
                dir.resolve("curve.json"), resuming), mpi);
        if (!root) {
            return 0;
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("model", factory.spec());
        meta.put("optimizer", opt.label());
        meta.put("steps", Integer.toString(steps));
        ModelWeights.save(r.model(), dir.resolve("model.safetensors"), meta);
        List<FineTuning.Result> runs = List.of(r);
        Results.write(dir.resolve("results.json"), runs);
        Results.writeCurves(dir.resolve("curves.csv"), runs);
        String title = String.format(Locale.ROOT, "%s: %s, %d steps of %d on classes %s", tasks.data().title(),
                opt.label(), steps, batchSize, Tasks.describe(tasks.task2Classes()));
        Plots.accuracyCurves(dir.resolve("accuracy.png"), title, runs);
        Plots.summary(dir.resolve("summary.png"), title, runs);
        console.say("");
        console.say(Results.table(runs).stripTrailing());
        console.say("");
        console.say("wrote model.safetensors, results.json, curves.csv, accuracy.png, summary.png to " + dir);
        return 0;
    }

    // ---- settings file and --resume ----------------------------------------------------------------

    /** Options that describe where and how to run, not what is computed: never recorded. */
    private static boolean recorded(OptionSpec o) {
        String n = o.longestName();
        return !n.equals("--resume") && !n.equals("--out") && !n.equals("--ranks") && !n.equals("--help")
                && !n.equals("--version");
    }

    /** Writes every option's value (defaults included) as the argument list that rebuilds this run. */
    private void writeSettings(Path file) throws IOException {
        List<Object> args = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!recorded(o)) {
                continue;
            }
            Object v = o.getValue();
            if (v == null) {
                continue;
            }
            if (v instanceof Boolean b) {
                if (b) {
                    args.add(o.longestName());
                }
            } else if (v instanceof List<?> list) {
                for (Object e : list) {
                    args.add(o.longestName() + "=" + e);
                }
            } else {
                args.add(o.longestName() + "=" + v);
            }
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", 1L);
        json.put("args", args);
        AtomicFiles.write(file, (Json.write(json) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private Integer resumeRun(Mpi mpi) throws Exception {
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String n = o.longestName();
            if (!n.equals("--resume") && !n.equals("--backend") && !n.equals("--ranks")) {
                throw new IllegalArgumentException("--resume takes every setting from " + resume.resolve(SETTINGS)
                        + "; only --backend and --ranks may be given with it, not " + n);
            }
        }
        Path file = resume.resolve(SETTINGS);
        List<String> args = new ArrayList<>();
        try {
            Object parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(parsed instanceof Map<?, ?> m) || !FORMAT.equals(m.get("format")) || !(m.get("args") instanceof List<?> list)) {
                throw new IOException(file + " is not a " + FORMAT + " settings file");
            }
            for (Object a : list) {
                if (!(a instanceof String s)) {
                    throw new IOException(file + ": argument " + Json.write(a) + " is not a string");
                }
                args.add(s);
            }
        } catch (NoSuchFileException e) {
            throw new IOException(resume + " holds no fine-tuning run (no " + SETTINGS + ")");
        } catch (Json.ParseException e) {
            throw new IOException(file + " is not valid JSON: " + e.getMessage());
        }
        FinetuneCommand original = new FinetuneCommand();
        try {
            new CommandLine(original).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args.toArray(new String[0]));
        } catch (CommandLine.ParameterException e) {
            throw new IOException(file + ": recorded settings no longer parse: " + e.getMessage());
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--backend")) {
            original.options.backend = options.backend;
        }
        if (original.batchSize % ranks != 0) {
            throw new IllegalArgumentException("the run in " + resume + " has batch size " + original.batchSize
                    + ", which does not split into --ranks " + ranks + " equal slices");
        }
        original.ranks = ranks;
        return original.train(resume, original.optimizerSpec(), true, mpi);
    }
}
