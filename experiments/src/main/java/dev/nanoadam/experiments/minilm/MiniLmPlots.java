package dev.nanoadam.experiments.minilm;

import dev.nanoadam.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The experiment's two PNG plots, drawn with XChart off-screen and written atomically. */
final class MiniLmPlots {
    private static final int PANEL_WIDTH = 640;
    private static final int PANEL_HEIGHT = 440;
    /** Steps averaged for the plotted training loss: single batches of 16 are noisy. */
    static final int LOSS_WINDOW = 10;

    private MiniLmPlots() {
    }

    /**
     * Writes {@code curves} (held-out accuracy and smoothed training loss over steps, one line per
     * optimizer) and {@code summary} (bars of accuracy, drift cosine, optimizer state and peak heap).
     */
    static void write(MiniLmFinetune.Report r, Path curves, Path summary) throws IOException {
        System.setProperty("java.awt.headless", "true"); // no display on servers and CI
        XYChart accuracy = xy("Held-out accuracy", "step", "accuracy");
        XYChart loss = xy("Training loss (mean of " + LOSS_WINDOW + " steps)", "step", "cross-entropy");
        for (MiniLmFinetune.Run run : r.runs()) {
            double[] x = new double[run.evalSteps().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = run.evalSteps()[i];
            }
            accuracy.addSeries(label(run), x, run.evalAccuracy()).setMarker(SeriesMarkers.CIRCLE);
            float[] l = run.losses();
            double[] sx = new double[l.length];
            double[] sy = new double[l.length];
            double window = 0;
            for (int i = 0; i < l.length; i++) {
                window += l[i];
                if (i >= LOSS_WINDOW) {
                    window -= l[i - LOSS_WINDOW];
                }
                sx[i] = i + 1;
                sy[i] = window / Math.min(i + 1, LOSS_WINDOW);
            }
            loss.addSeries(label(run), sx, sy).setMarker(SeriesMarkers.NONE);
        }
        accuracy.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        accuracy.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        loss.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        save(List.of(accuracy, loss), curves);

        List<String> names = new ArrayList<>();
        List<Number> acc = new ArrayList<>();
        List<Number> drift = new ArrayList<>(); // 1 - mean cosine: near 1 the cosines themselves would look equal
        List<Number> state = new ArrayList<>();
        List<Number> peak = new ArrayList<>();
        for (MiniLmFinetune.Run run : r.runs()) {
            names.add(run.optimizer());
            acc.add(run.accuracy());
            drift.add(1 - run.driftCosine());
            state.add(run.stateBytes() / 1048576.0);
            peak.add(run.peakHeapBytes() / 1048576.0);
        }
        save(List.of(
                bars("Held-out accuracy", "accuracy", names, acc, "0.000"),
                bars("Encoder drift", "1 - mean cosine to pretrained, KJV verses", names, drift,
                        smallest(drift) < 0.01 ? "0.0E0" : "0.000"),
                bars("Optimizer state", "MiB", names, state, "0.00"),
                bars("Peak heap", "MiB", names, peak, "0")), summary);
    }

    private static double smallest(List<Number> values) {
        double min = Double.POSITIVE_INFINITY;
        for (Number v : values) {
            min = Math.min(min, v.doubleValue());
        }
        return min;
    }

    private static String label(MiniLmFinetune.Run run) {
        return String.format(java.util.Locale.ROOT, "%s (lr %.0e)", run.optimizer(), run.learningRate());
    }

    private static XYChart xy(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y)
                .build();
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setXAxisDecimalPattern("#").setXAxisTickMarkSpacingHint(90);
        return c;
    }

    private static CategoryChart bars(String title, String y, List<String> names, List<Number> values, String pattern) {
        CategoryChart c = new CategoryChartBuilder().width(PANEL_WIDTH / 2).height(PANEL_HEIGHT).title(title).yAxisTitle(y)
                .build();
        c.getStyler().setLegendVisible(false).setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setDecimalPattern(pattern);
        c.addSeries(y, names, values);
        return c;
    }

    private static void save(List<? extends Chart<?, ?>> charts, Path file) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        BitmapEncoder.saveBitmap(new ArrayList<>(charts), 1, charts.size(), png, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, png.toByteArray());
    }
}
