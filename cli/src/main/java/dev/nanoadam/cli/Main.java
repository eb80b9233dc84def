package dev.nanoadam.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nanoadam} command line: one subcommand per job. */
@Command(name = "nanoadam", mixinStandardHelpOptions = true, version = "nanoadam 0.1.0",
        description = "NanoAdam: fine-tune only the smallest weights.",
        subcommands = {DemoCommand.class, FinetuneCommand.class, AnalyzeCommand.class, ModelsCommand.class,
            InspectCommand.class, EmbedCommand.class, MemoryCommand.class, TrafficCommand.class, FinetuneMiniLmCommand.class,
            ContinualMiniLmCommand.class, ConformanceCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new Failures()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
