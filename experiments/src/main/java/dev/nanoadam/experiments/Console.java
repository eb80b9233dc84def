package dev.nanoadam.experiments;

import dev.nanoadam.experiments.report.ProgressBar;
import java.io.PrintStream;

/**
 * Where an experiment reports to: a stream, and whether it is a terminal (progress bars redraw in
 * place there; elsewhere each phase prints one line when it ends).
 */
public record Console(PrintStream out, boolean interactive) {
    /** Standard output, interactive when it and standard input are a terminal. */
    public static Console system() {
        return new Console(System.out, ProgressBar.terminal());
    }

    /** A progress bar for one phase. */
    public ProgressBar progress(String label) {
        return new ProgressBar(out, interactive, label);
    }

    /** Prints one line. */
    public void say(String line) {
        out.println(line);
        out.flush();
    }
}
