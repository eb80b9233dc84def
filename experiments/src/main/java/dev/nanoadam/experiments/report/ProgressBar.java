package dev.nanoadam.experiments.report;

import dev.nanoadam.models.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for a {@link dev.nanoadam.models.train.Trainer} run.
 *
 * <p>On a terminal it redraws in place ({@code \r}) at most ten times a second: steps done, a
 * smoothed training loss and the time left. Anywhere else (a pipe, a file, a CI log) it prints a
 * single line when the run finishes, so logs get one line per phase instead of thousands. Drawing
 * allocates a string, ten times a second at most; the steps in between cost two comparisons.
 *
 * <p>Written here rather than taken from me.tongfei:progressbar (0.10.1 resolves): that library reads
 * the wall clock itself ({@code Instant.now()}, no clock to inject) and redraws from a timer thread
 * of its own, so neither {@code ProgressBarTest}'s injected-clock checks nor the one-line output
 * off a terminal could be kept deterministic with it.
 */
public final class ProgressBar implements TrainingListener {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 24;
    private static final double LOSS_SMOOTHING = 0.05;

    private final PrintStream out;
    private final boolean interactive;
    private final String label;
    private final LongSupplier clock;
    private long firstStep;
    private long untilStep;
    private long startNanos;
    private long lastDraw;
    private double smoothedLoss = Double.NaN;
    private long lastStep;
    private int drawnLength;       // length of the line on screen, so a shorter one can blank its tail

    /**
     * @param interactive redraw in place (true on a terminal); false prints one line at the end
     * @param label what is running, e.g. {@code "pretrain"}
     */
    public ProgressBar(PrintStream out, boolean interactive, String label) {
        this(out, interactive, label, System::nanoTime);
    }

    /** As the public constructor, reading the time in nanoseconds from {@code clock}. */
    ProgressBar(PrintStream out, boolean interactive, String label, LongSupplier clock) {
        this.out = out;
        this.interactive = interactive;
        this.label = label;
        this.clock = clock;
    }

    /** Whether standard input and output are a terminal, so that a bar may redraw in place. */
    public static boolean terminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public void onStart(long step, long untilStep, int batchesPerEpoch) {
        this.firstStep = step;
        this.lastStep = step;
        this.untilStep = untilStep;
        this.startNanos = clock.getAsLong();
        this.lastDraw = startNanos - REDRAW_NANOS;
        this.smoothedLoss = Double.NaN;
        this.drawnLength = 0;
    }

    @Override
    public void onStep(long step, long epoch, float loss, double learningRate) {
        lastStep = step;
        smoothedLoss = Double.isNaN(smoothedLoss) ? loss : smoothedLoss + LOSS_SMOOTHING * (loss - smoothedLoss);
        if (interactive) {
            long now = clock.getAsLong();
            if (now - lastDraw >= REDRAW_NANOS || step == untilStep) {
                lastDraw = now;
                out.print("\r" + padded(line(now)));
                out.flush();
            }
        }
    }

    @Override
    public void onFinish(long step) {
        lastStep = step;
        long now = clock.getAsLong();
        if (interactive) {
            out.print("\r" + padded(line(now)) + "\n");
        } else {
            out.println(String.format(Locale.ROOT, "%s: %d steps in %.1f s, final loss %.4f", label,
                    step - firstStep, (now - startNanos) / 1e9, smoothedLoss));
        }
        out.flush();
    }

    /** The line, followed by enough blanks to cover a longer one drawn before it. */
    private String padded(String line) {
        String out = line.length() < drawnLength ? line + " ".repeat(drawnLength - line.length()) : line;
        drawnLength = out.length();
        return out;
    }

    String line(long now) {
        long total = Math.max(1, untilStep - firstStep);
        long done = lastStep - firstStep;
        int filled = (int) (WIDTH * done / total);
        StringBuilder sb = new StringBuilder(96);
        sb.append(label).append(" [");
        for (int i = 0; i < WIDTH; i++) {
            sb.append(i < filled ? '#' : '.');
        }
        sb.append("] ").append(lastStep).append('/').append(untilStep);
        if (!Double.isNaN(smoothedLoss)) {
            sb.append(String.format(Locale.ROOT, "  loss %.4f", smoothedLoss));
        }
        double elapsed = (now - startNanos) / 1e9;
        if (done > 0 && done < total) {
            sb.append("  ").append(clock(elapsed * (total - done) / done)).append(" left");
        } else {
            sb.append("  ").append(clock(elapsed));
        }
        return sb.toString();
    }

    /** {@code m:ss}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
