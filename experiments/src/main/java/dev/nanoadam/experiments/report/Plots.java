package dev.nanoadam.experiments.report;

import dev.nanoadam.experiments.Curve;
import dev.nanoadam.experiments.FineTuning;
import dev.nanoadam.io.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG charts of the commands, drawn with XChart in memory (no window; the launcher runs the
 * JVM headless) and written atomically.
 */
public final class Plots {
    /** One colour per run, in run order: NanoAdam variants first, AdamW as given. */
    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e),
        new Color(0x8c564b),
    };

    private Plots() {
    }

    /**
     * Accuracy over fine-tuning steps: task 2 (solid) and task 1 with its head restored (dashed), one
     * colour per optimizer.
     */
    public static void accuracyCurves(Path file, String title, List<FineTuning.Result> runs) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title)
                .xAxisTitle("fine-tuning step").yAxisTitle("test accuracy").build();
        XYStyler st = chart.getStyler();
        st.setYAxisMin(0.0);
        st.setYAxisMax(1.0);
        st.setYAxisDecimalPattern("0%");
        st.setLegendPosition(Styler.LegendPosition.InsideSE);
        st.setChartBackgroundColor(Color.WHITE);
        for (int i = 0; i < runs.size(); i++) {
            FineTuning.Result r = runs.get(i);
            List<Curve.Point> points = r.curve();
            double[] x = new double[points.size()];
            double[] t1 = new double[points.size()];
            double[] t2 = new double[points.size()];
            for (int j = 0; j < points.size(); j++) {
                x[j] = points.get(j).step();
                t1[j] = points.get(j).task1();
                t2[j] = points.get(j).task2();
            }
            Color c = COLORS[i % COLORS.length];
            XYSeries s2 = chart.addSeries(r.spec().label() + ": task 2 (new classes)", x, t2);
            s2.setMarker(SeriesMarkers.NONE);
            s2.setLineColor(c);
            s2.setLineStyle(SeriesLines.SOLID);
            XYSeries s1 = chart.addSeries(r.spec().label() + ": task 1 (old classes, old head)", x, t1);
            s1.setMarker(SeriesMarkers.NONE);
            s1.setLineColor(c);
            s1.setLineStyle(SeriesLines.DASH_DASH);
        }
        write(file, image(chart));
    }

    /**
     * The table as three bar charts side by side: accuracies, forgetting and untouched weights in
     * percent; the backbone's L2 shift; optimizer state in KiB. The wide first chart carries the one
     * legend (the colours are the same in all three); with more than three runs its bar labels stand
     * upright so that neighbours do not overprint each other.
     */
    public static void summary(Path file, String title, List<FineTuning.Result> runs) throws IOException {
        List<String> metrics = List.of("task-1 acc", "task-2 acc", "task-1 after", "forgetting", "untouched");
        CategoryChart pct = bars(title, "percent", 620);
        CategoryChart shift = bars("backbone L2 shift", "L2 distance", 300);
        CategoryChart state = bars("optimizer state", "KiB", 300);
        shift.getStyler().setLegendVisible(false);
        state.getStyler().setLegendVisible(false);
        if (runs.size() > 3) {
            pct.getStyler().setLabelsRotation(90);
        }
        for (int i = 0; i < runs.size(); i++) {
            FineTuning.Result r = runs.get(i);
            List<Number> values = List.of(100 * r.task1Acc(), 100 * r.task2Acc(), 100 * r.task1AccAfter(),
                    100 * r.forgetting(), 100 * r.untouchedFraction());
            Color c = COLORS[i % COLORS.length];
            pct.addSeries(r.spec().label(), metrics, values).setFillColor(c);
            shift.addSeries(r.spec().label(), List.of("backbone"), List.of(r.l2Shift())).setFillColor(c);
            state.addSeries(r.spec().label(), List.of("state"), List.of(r.stateBytes() / 1024.0)).setFillColor(c);
        }
        pct.getStyler().setYAxisMin(Math.min(0.0, minForgetting(runs)));
        pct.getStyler().setYAxisMax(100.0);
        shift.getStyler().setYAxisMin(0.0);
        state.getStyler().setYAxisMin(0.0);
        write(file, sideBySide(image(pct), image(shift), image(state)));
    }

    private static double minForgetting(List<FineTuning.Result> runs) {
        double min = 0;
        for (FineTuning.Result r : runs) {
            min = Math.min(min, 100 * r.forgetting());
        }
        return Math.floor(min / 10) * 10;
    }

    private static CategoryChart bars(String title, String yTitle, int width) {
        CategoryChart chart = new CategoryChartBuilder().width(width).height(460).title(title).yAxisTitle(yTitle).build();
        CategoryStyler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("0.#");
        return chart;
    }

    /**
     * |gradient| against |weight| for one parameter tensor, at most {@code maxPoints} of its entries
     * (an evenly spaced sample, the same every time), as in the paper's Figure 1.
     */
    public static void scatter(Path file, String title, float[] weights, float[] gradients, int maxPoints) throws IOException {
        int n = weights.length;
        int count = Math.min(n, maxPoints);
        double[] x = new double[count];
        double[] y = new double[count];
        for (int i = 0; i < count; i++) {
            int j = (int) ((long) i * n / count);
            x[i] = Math.abs(weights[j]);
            y[i] = Math.abs(gradients[j]);
        }
        XYChart chart = new XYChartBuilder().width(640).height(480).title(title)
                .xAxisTitle("|weight|").yAxisTitle("|gradient|").build();
        XYStyler st = chart.getStyler();
        st.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        st.setMarkerSize(3);
        st.setLegendVisible(false);
        st.setChartBackgroundColor(Color.WHITE);
        st.setXAxisDecimalPattern("0.###");
        st.setYAxisDecimalPattern("0.0E0");
        XYSeries s = chart.addSeries(count < n ? count + " of " + n + " weights" : n + " weights", x, y);
        s.setMarkerColor(new Color(31, 119, 180, 110));
        s.setMarker(SeriesMarkers.CIRCLE);
        write(file, image(chart));
    }

    private static BufferedImage image(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static BufferedImage sideBySide(BufferedImage... images) {
        int width = 0;
        int height = 0;
        for (BufferedImage im : images) {
            width += im.getWidth();
            height = Math.max(height, im.getHeight());
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int x = 0;
            for (BufferedImage im : images) {
                g.drawImage(im, x, 0, null);
                x += im.getWidth();
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void write(Path file, BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("no PNG writer in this JVM for " + file);
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }
}
