package dev.nanoadam.distributed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a job of {@code ranks} JVMs on this machine with Open MPI's {@code mpirun}, each running a
 * main class with this JVM's own options, and reports how it ended.
 *
 * <p>The options {@code mpirun} gets are all here ({@link #MPIRUN_OPTIONS}), chosen to work in a
 * container and as root as well as on a workstation. Open MPI's {@code mpirun} recognises a
 * {@code java} command and adds its own Java bindings' library path and class path (the working
 * directory first) to it; the command's own class path still follows, so this project's classes
 * load as they do outside MPI.
 */
public final class MpiRun {
    private MpiRun() {
    }

    /**
     * {@code --oversubscribe}: more ranks than cores is allowed (a 2-rank job on a 1-core
     * container); {@code --bind-to none}: a JVM runs many threads (JIT, GC, the worker pool), so a
     * rank is not pinned to one core; {@code --mca btl self,vader}: ranks on one machine talk through
     * shared memory; {@code btl_vader_single_copy_mechanism none}: no cross-process memory access
     * (ptrace-based, refused in many containers).
     */
    public static final List<String> MPIRUN_OPTIONS = List.of("--oversubscribe", "--bind-to", "none",
            "--mca", "btl", "self,vader", "--mca", "btl_vader_single_copy_mechanism", "none");

    /**
     * Open MPI refuses to run as root unless both are set (the same as {@code --allow-run-as-root});
     * harmless for other users.
     */
    public static final Map<String, String> MPIRUN_ENVIRONMENT = Map.of("OMPI_ALLOW_RUN_AS_ROOT", "1",
            "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");

    /** How a job ended: mpirun's status, and the first rank that failed, when mpirun named it. */
    public record Outcome(int status, int failedRank, String failure) {
        /** Whether every rank ended normally. */
        public boolean succeeded() {
            return status == 0;
        }
    }

    /**
     * The command that starts {@code mainClass} with {@code args} in a JVM like this one: its java
     * binary, its options (heap, modules, native access), its class path, and every {@code nanoadam.*}
     * system property set in it (those given on its command line are among its options already).
     */
    public static List<String> thisJvm(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(options);
        for (String name : System.getProperties().stringPropertyNames().stream().sorted().toList()) {
            String option = "-D" + name + "=" + System.getProperty(name);
            if (name.startsWith("nanoadam.") && !options.contains(option)) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** {@code mpirun -np RANKS} with {@link #MPIRUN_OPTIONS}, then {@code command}. */
    public static List<String> mpirun(int ranks, List<String> command) {
        if (ranks < 1) {
            throw new IllegalArgumentException("ranks must be >= 1, got " + ranks);
        }
        List<String> full = new ArrayList<>(List.of(mpirunBinary(), "-np", Integer.toString(ranks)));
        full.addAll(MPIRUN_OPTIONS);
        full.addAll(command);
        return full;
    }

    /**
     * The {@code mpirun} on the PATH.
     *
     * @throws MpiException when there is none, naming the package to install
     */
    public static String mpirunBinary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, "mpirun");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new MpiException("mpirun is not on the PATH: install Open MPI (the Debian packages openmpi-bin and"
                + " libopenmpi-dev)");
    }

    /**
     * Runs {@code mpirun -np ranks ... command}, copying its output (every rank's, interleaved) line by
     * line to {@code out}, and returns how it ended.
     */
    public static Outcome run(int ranks, List<String> command, PrintStream out) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(mpirun(ranks, command)).redirectErrorStream(true);
        pb.environment().putAll(MPIRUN_ENVIRONMENT);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.println(line);
                lines.add(line);
            }
        }
        int status = p.waitFor();
        out.flush();
        return status == 0 ? new Outcome(0, -1, null) : failure(status, lines);
    }

    private static final Pattern PROCESS_NAME = Pattern.compile("Process name:\\s*\\[\\[\\d+,\\d+],(\\d+)]");
    private static final Pattern EXIT_CODE = Pattern.compile("Exit code:\\s*(\\d+)");
    private static final Pattern SIGNALLED = Pattern.compile("process rank (\\d+) with PID \\d+ on node \\S+ exited on signal (\\d+)");
    private static final Pattern ABORTED = Pattern.compile("MPI_ABORT was invoked on rank (\\d+)");

    /** Reads mpirun's report of the first rank that failed. */
    static Outcome failure(int status, List<String> lines) {
        int rank = -1;
        String why = null;
        for (int i = 0; i < lines.size() && rank < 0; i++) {
            String line = lines.get(i);
            Matcher m;
            if ((m = ABORTED.matcher(line)).find()) {
                rank = Integer.parseInt(m.group(1));
                why = "called MPI_Abort";
            } else if ((m = SIGNALLED.matcher(line)).find()) {
                rank = Integer.parseInt(m.group(1));
                why = "was killed by signal " + m.group(2);
            } else if ((m = PROCESS_NAME.matcher(line)).find()) {
                rank = Integer.parseInt(m.group(1));
                why = "exited with status ?";
                for (int j = i + 1; j < Math.min(lines.size(), i + 3); j++) {
                    Matcher e = EXIT_CODE.matcher(lines.get(j));
                    if (e.find()) {
                        why = "exited with status " + e.group(1);
                    }
                }
            }
        }
        return new Outcome(status, rank, why);
    }
}
