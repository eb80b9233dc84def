package dev.nanoadam.conformance;

import dev.nanoadam.Moments;
import dev.nanoadam.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares everything two runs hold after a step, most upstream first: the loss, the gradients the
 * model wrote, the model's buffers, then per parameter the weights, the mask (SPARSE) and m and v.
 * Floats compare by bit pattern, any NaN equal to any NaN (SPEC.md §6 leaves NaN payloads open);
 * so +0 and -0 differ.
 */
final class StateComparison {
    private StateComparison() {
    }

    /** One tensor's disagreement. */
    record Difference(String tensor, String quantity, int first, int count, int lengthA, int lengthB,
                      String valueA, String valueB) {
        String label() {
            return quantity.equals("loss") ? "loss" : tensor + " " + quantity;
        }
    }

    /**
     * Every difference between the runs, upstream first.
     *
     * @param afterStep whether a step just ran (then the losses and gradients are compared)
     */
    static List<Difference> differences(TrainingRun a, TrainingRun b, float lossA, float lossB, boolean afterStep) {
        List<Difference> out = new ArrayList<>();
        if (a.parameters.size() != b.parameters.size()) {
            throw new IllegalStateException("the two runs' models have " + a.parameters.size() + " and "
                    + b.parameters.size() + " parameters: " + a.workload.name() + " does not build the same model twice");
        }
        for (int i = 0; i < a.parameters.size(); i++) {
            if (!a.parameters.get(i).name().equals(b.parameters.get(i).name())) {
                throw new IllegalStateException("parameter " + i + " is '" + a.parameters.get(i).name() + "' in one run and '"
                        + b.parameters.get(i).name() + "' in the other");
            }
        }
        if (afterStep) {
            floats(out, "(loss)", "loss", new float[] {lossA}, new float[] {lossB});
            for (int i = 0; i < a.parameters.size(); i++) {
                floats(out, a.parameters.get(i).name(), "gradient", a.parameters.get(i).grad(), b.parameters.get(i).grad());
            }
        }
        Map<String, float[]> bufA = a.model.buffers();
        Map<String, float[]> bufB = b.model.buffers();
        if (!bufA.keySet().equals(bufB.keySet())) {
            throw new IllegalStateException("the two runs' models have buffers " + bufA.keySet() + " and " + bufB.keySet());
        }
        Iterator<Map.Entry<String, float[]>> itB = bufB.entrySet().iterator();
        for (Map.Entry<String, float[]> e : bufA.entrySet()) {
            floats(out, e.getKey(), "buffer", e.getValue(), itB.next().getValue());
        }
        for (int i = 0; i < a.parameters.size(); i++) {
            Parameter pa = a.parameters.get(i);
            Parameter pb = b.parameters.get(i);
            floats(out, pa.name(), "weights", pa.data(), pb.data());
            boolean sparseA = a.sparse.contains(pa);
            if (sparseA != b.sparse.contains(pb)) {
                throw new IllegalStateException("'" + pa.name() + "' is SPARSE in one run and DENSE in the other");
            }
            if (sparseA) {
                ints(out, pa.name(), "mask", a.optimizer.mask(pa), b.optimizer.mask(pb));
            }
            Moments ma = a.optimizer.moments(pa);
            Moments mb = b.optimizer.moments(pb);
            floats(out, pa.name(), "m", ma.m(), mb.m());
            floats(out, pa.name(), "v", ma.v(), mb.v());
        }
        double kA = a.optimizer.density();
        double kB = b.optimizer.density();
        if (Double.doubleToRawLongBits(kA) != Double.doubleToRawLongBits(kB)
                || a.optimizer.steps() != b.optimizer.steps()) {
            out.add(new Difference("(optimizer)", "schedule", 0, 1, 1, 1, "k=" + kA + " t=" + a.optimizer.steps(),
                    "k=" + kB + " t=" + b.optimizer.steps()));
        }
        return out;
    }

    private static boolean same(float x, float y) {
        return Float.floatToRawIntBits(x) == Float.floatToRawIntBits(y) || (Float.isNaN(x) && Float.isNaN(y));
    }

    private static void floats(List<Difference> out, String tensor, String quantity, float[] a, float[] b) {
        int n = Math.min(a.length, b.length);
        int first = -1;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (!same(a[i], b[i])) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        if (a.length != b.length) {
            count += Math.abs(a.length - b.length);
            if (first < 0) {
                first = n;
            }
        }
        if (first >= 0) {
            out.add(new Difference(tensor, quantity, first, count, a.length, b.length,
                    first < a.length ? Mismatch.show(a[first]) : "(none)",
                    first < b.length ? Mismatch.show(b[first]) : "(none)"));
        }
    }

    private static void ints(List<Difference> out, String tensor, String quantity, int[] a, int[] b) {
        if (Arrays.equals(a, b)) {
            return;
        }
        int n = Math.min(a.length, b.length);
        int first = -1;
        int count = Math.abs(a.length - b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        if (first < 0) {
            first = n;
        }
        out.add(new Difference(tensor, quantity, first, count, a.length, b.length,
                first < a.length ? "flat index " + a[first] : "(none)",
                first < b.length ? "flat index " + b[first] : "(none)"));
    }
}
