package dev.nanoadam.experiments;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Model;
import dev.nanoadam.models.io.ModelWeights;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Copies of a model's weights and buffers, and what the experiments measure between two of them. */
public final class ModelState {
    private ModelState() {
    }

    /** A deep copy of every parameter and buffer, by name, in {@link ModelWeights#state} order. */
    public static Map<String, float[]> snapshot(Model model) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : ModelWeights.state(model).entrySet()) {
            copy.put(e.getKey(), e.getValue().clone());
        }
        return copy;
    }

    /**
     * Writes the entries of {@code state} that {@code include} accepts into the model's arrays of
     * the same names.
     *
     * @throws IllegalArgumentException if an accepted model entry is missing from {@code state} or
     *     differs in length; the model may then be partly written
     */
    public static void copyInto(Map<String, float[]> state, Model model, Predicate<String> include) {
        for (Map.Entry<String, float[]> e : ModelWeights.state(model).entrySet()) {
            if (!include.test(e.getKey())) {
                continue;
            }
            float[] from = state.get(e.getKey());
            float[] to = e.getValue();
            if (from == null) {
                throw new IllegalArgumentException("no saved tensor '" + e.getKey() + "' to copy into the model");
            }
            if (from.length != to.length) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has " + from.length
                        + " values saved but " + to.length + " in the model");
            }
            System.arraycopy(from, 0, to, 0, to.length);
        }
    }

    /** Copies the entries of one model that {@code include} accepts into another of the same architecture. */
    public static void copy(Model from, Model to, Predicate<String> include) {
        copyInto(ModelWeights.state(from), to, include);
    }

    /**
     * How far the backbone moved: the L2 distance over every parameter (not buffer) that is not in
     * the head, and the fraction of those weights whose bits did not change at all.
     *
     * @param l2 {@code sqrt(sum (w - w0)^2)}, summed in double
     * @param untouchedFraction weights bit-identical to {@code before}, over all backbone weights
     * @param weights number of backbone weights
     */
    public record Shift(double l2, double untouchedFraction, long weights) {
    }

    /** The shift of {@code model}'s non-head parameters from the same names in {@code before}. */
    public static Shift backboneShift(Map<String, float[]> before, Model model, Predicate<String> isHead) {
        double sum = 0;
        long same = 0;
        long total = 0;
        for (Parameter p : model.parameters()) {
            if (isHead.test(p.name())) {
                continue;
            }
            float[] w0 = before.get(p.name());
            float[] w = p.data();
            if (w0 == null || w0.length != w.length) {
                throw new IllegalArgumentException("no saved weights of length " + w.length + " for '" + p.name() + "'");
            }
            for (int i = 0; i < w.length; i++) {
                double d = (double) w[i] - w0[i];
                sum += d * d;
                if (Float.floatToRawIntBits(w[i]) == Float.floatToRawIntBits(w0[i])) {
                    same++;
                }
            }
            total += w.length;
        }
        return new Shift(Math.sqrt(sum), total == 0 ? Double.NaN : (double) same / total, total);
    }
}
