package dev.nanoadam.experiments;

import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.models.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table, {@code results.json} and {@code curves.csv} of fine-tuning runs. */
public final class Results {
    private Results() {
    }

    /** One run as {@code results.json} holds it, keys in the documented order. */
    public static Map<String, Object> json(FineTuning.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", r.spec().label());
        m.put("task1_acc", r.task1Acc());
        m.put("task2_acc", r.task2Acc());
        m.put("task1_acc_after", r.task1AccAfter());
        m.put("forgetting", r.forgetting());
        m.put("l2_shift", r.l2Shift());
        m.put("untouched_fraction", r.untouchedFraction());
        m.put("state_bytes", r.stateBytes());
        m.put("peak_heap_bytes", r.peakHeapBytes());
        m.put("seconds", r.seconds());
        return m;
    }

    /** Writes {@code {"runs": [...]}} to {@code file}, atomically. */
    public static void write(Path file, List<FineTuning.Result> runs) throws IOException {
        List<Object> list = new ArrayList<>();
        for (FineTuning.Result r : runs) {
            list.add(json(r));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("runs", list);
        AtomicFiles.write(file, (Json.write(root) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Writes every run's curve as CSV: {@code optimizer,step,task1_acc,task2_acc}. */
    public static void writeCurves(Path file, List<FineTuning.Result> runs) throws IOException {
        StringBuilder sb = new StringBuilder("optimizer,step,task1_acc,task2_acc\n");
        for (FineTuning.Result r : runs) {
            for (Curve.Point p : r.curve()) {
                sb.append(String.format(Locale.ROOT, "%s,%d,%.4f,%.4f%n", r.spec().label(), p.step(), p.task1(), p.task2()));
            }
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The table printed at the end: one row per run, accuracies in percent. */
    public static String table(List<FineTuning.Result> runs) {
        String[] head = {"optimizer", "lr", "task-1 acc", "task-2 acc", "task-1 after", "forgetting",
                "L2 shift", "untouched", "state", "peak heap", "seconds"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (FineTuning.Result r : runs) {
            rows.add(new String[] {
                r.spec().label(),
                String.format(Locale.ROOT, "%.0e", r.spec().lr()),
                percent(r.task1Acc()),
                percent(r.task2Acc()),
                percent(r.task1AccAfter()),
                String.format(Locale.ROOT, "%.1f pt", 100 * r.forgetting()),
                String.format(Locale.ROOT, "%.2f", r.l2Shift()),
                percent(r.untouchedFraction()),
                bytes(r.stateBytes()),
                bytes(r.peakHeapBytes()),
                String.format(Locale.ROOT, "%.1f", r.seconds()),
            });
        }
        int[] width = new int[head.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                // Names left-aligned, numbers right-aligned.
                sb.append(i == 0 ? cell + pad : pad + cell);
                sb.append(i == row.length - 1 ? "\n" : "  ");
            }
        }
        return sb.toString();
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    /** Bytes in B, KiB, MiB or GiB, three significant digits. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }
}
