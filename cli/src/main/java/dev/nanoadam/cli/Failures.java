package dev.nanoadam.cli;

import dev.nanoadam.distributed.MpiException;
import dev.nanoadam.NonFiniteGradientException;
import dev.nanoadam.spi.BackendUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the failures a user can cause or fix (missing data, a backend that cannot start, bad
 * settings, unreadable files, diverging training) into one line on standard error and exit status
 * 1. Anything else is a bug and keeps its stack trace.
 */
final class Failures implements IExecutionExceptionHandler {
    /** Exit status of a run that failed for a reason it names. */
    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) throws Exception {
        String message = oneLine(e);
        if (message == null) {
            throw e;
        }
        cmd.getErr().println("nanoadam " + cmd.getCommandName() + ": " + message);
        cmd.getErr().flush();
        return FAILED;
    }

    /** The line to print for an expected failure, or null for a bug. */
    static String oneLine(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (t instanceof MpiException) {
            return t.getMessage();
        }
        if (t instanceof BackendUnavailableException) {
            return "backend cannot start: " + t.getMessage();
        }
        if (t instanceof IOException || t instanceof NonFiniteGradientException
                || (t instanceof IllegalArgumentException && thrownByUs(t))) {
            String m = t.getMessage();
            return m == null ? t.getClass().getSimpleName() : m.strip().replace('\n', ' ');
        }
        return null;
    }

    /**
     * Whether this project threw it: our argument checks describe bad settings or data, while an
     * IllegalArgumentException from a library or the JDK means we called it wrongly.
     */
    private static boolean thrownByUs(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("dev.nanoadam.");
    }
}
