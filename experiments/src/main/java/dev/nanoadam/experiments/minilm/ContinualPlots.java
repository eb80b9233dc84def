package dev.nanoadam.experiments.minilm;

import dev.nanoadam.io.AtomicFiles;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The continual-learning experiment's PNG: accuracies, forgetting, untouched share, state, and the sweep. */
final class ContinualPlots {
    private static final int WIDTH = 560;
    private static final int HEIGHT = 420;

    private ContinualPlots() {
    }

    /** Writes one PNG: accuracies, forgetting, untouched share, optimizer state and, after a sweep, its curves; three panels a row. */
    static void write(ContinualMiniLm.Report r, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true"); // no display on servers and CI
        List<String> names = new ArrayList<>();
        for (ContinualMiniLm.Run run : r.runs()) {
            names.add(run.optimizer());
        }
        CategoryChart acc = bars("Test accuracy (%)", "%");
        acc.addSeries("task 1", names, values(r, run -> 100 * run.task1Acc()));
        acc.addSeries("task 2", names, values(r, run -> 100 * run.task2Acc()));
        acc.addSeries("task 1 after task 2", names, values(r, run -> 100 * run.task1AccAfter()));
        acc.getStyler().setLegendVisible(true).setLegendPosition(Styler.LegendPosition.OutsideS);
        acc.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
        CategoryChart forgetting = bars("Forgetting (points)", "pt");
        forgetting.addSeries("forgetting", names, values(r, run -> 100 * run.forgetting()));
        CategoryChart untouched = bars("Encoder weights untouched (%)", "%");
        untouched.addSeries("untouched", names, values(r, run -> 100 * run.untouchedFraction()));
        CategoryChart state = bars("Optimizer state (MiB)", "MiB");
        state.addSeries("state", names, values(r, run -> run.stateBytes() / 1048576.0));
        List<Chart<?, ?>> charts = new ArrayList<>(List.of(acc, forgetting, untouched, state));
        if (!r.sweep().isEmpty()) {
            XYChart sweep = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Sweep: task-1 validation accuracy")
                    .xAxisTitle("learning rate").yAxisTitle("accuracy").build();
            sweep.getStyler().setXAxisLogarithmic(true);
            sweep.getStyler().setChartBackgroundColor(Color.WHITE);
            sweep.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            Map<String, List<double[]>> by = new LinkedHashMap<>();
            for (ContinualMiniLm.SweepPoint p : r.sweep()) {
                by.computeIfAbsent(p.optimizer(), k -> new ArrayList<>()).add(new double[] {p.lr(), p.validationAccuracy()});
            }
            for (Map.Entry<String, List<double[]>> e : by.entrySet()) {
                double[] x = new double[e.getValue().size()];
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = e.getValue().get(i)[0];
                    y[i] = e.getValue().get(i)[1];
                }
                sweep.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
            charts.add(sweep);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        int columns = 3;
        int rows = (charts.size() + columns - 1) / columns;
        while (charts.size() < rows * columns) {
            CategoryChart blank = bars("", "");
            blank.addSeries(" ", List.of(" "), List.of(0.0));
            blank.getStyler().setChartTitleVisible(false);
            blank.getStyler().setAxisTicksVisible(false);
            blank.getStyler().setPlotBorderVisible(false);
            blank.getStyler().setPlotGridLinesVisible(false);
            blank.getStyler().setLabelsVisible(false);
            charts.add(blank);
        }
        BitmapEncoder.saveBitmap(charts, rows, columns, png, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, png.toByteArray());
    }

    private static List<Number> values(ContinualMiniLm.Report r, java.util.function.ToDoubleFunction<ContinualMiniLm.Run> f) {
        List<Number> out = new ArrayList<>();
        for (ContinualMiniLm.Run run : r.runs()) {
            out.add(f.applyAsDouble(run));
        }
        return out;
    }

    private static CategoryChart bars(String title, String y) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(y).build();
        c.getStyler().setLegendVisible(false).setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLabelsVisible(true).setDecimalPattern("0.0");
        return c;
    }
}
