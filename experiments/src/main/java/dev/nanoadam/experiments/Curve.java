package dev.nanoadam.experiments;

import dev.nanoadam.io.AtomicFiles;
import dev.nanoadam.models.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy on both tasks over the steps of one fine-tuning run. With a file, every point is
 * written through at once (atomically), before the checkpoint of the same step, so a resumed run
 * finds every point up to its checkpoint and recomputes the rest.
 */
public final class Curve {
    /**
     * One measurement.
     *
     * @param step fine-tuning steps done
     * @param task1 task-1 accuracy with the task-1 head, on the curve's task-1 examples
     * @param task2 task-2 accuracy, on the curve's task-2 examples
     */
    public record Point(long step, double task1, double task2) {
    }

    private final Path file;
    private final List<Point> points = new ArrayList<>();

    /** A curve kept in memory only ({@code file} null) or also in {@code file}. */
    public Curve(Path file) {
        this.file = file;
    }

    /** The points so far, in step order. */
    public List<Point> points() {
        return List.copyOf(points);
    }

    /** Appends a point (and rewrites the file). */
    public void add(Point p) throws IOException {
        points.add(p);
        save();
    }

    /** Drops every point. */
    public void clear() throws IOException {
        points.clear();
        save();
    }

    /**
     * Reads the file's points up to {@code step} (a resumed run's checkpoint); later ones are
     * dropped, since the resumed run measures them again.
     *
     * @throws IOException if the file is unreadable or malformed
     */
    public void resumeAt(long step) throws IOException {
        points.clear();
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (Json.ParseException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m) || !(m.get("points") instanceof List<?> list)) {
            throw new IOException(file + ": expected an object with a \"points\" array");
        }
        for (Object o : list) {
            if (!(o instanceof List<?> row) || row.size() != 3 || !(row.get(0) instanceof Long s)
                    || !(row.get(1) instanceof Number a) || !(row.get(2) instanceof Number b)) {
                throw new IOException(file + ": a point is not [step, task1, task2]: " + Json.write(o));
            }
            if (s <= step) {
                points.add(new Point(s, a.doubleValue(), b.doubleValue()));
            }
        }
        save();
    }

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        List<Object> rows = new ArrayList<>();
        for (Point p : points) {
            rows.add(List.of(p.step(), p.task1(), p.task2()));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("points", rows);
        AtomicFiles.write(file, (Json.write(json) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
