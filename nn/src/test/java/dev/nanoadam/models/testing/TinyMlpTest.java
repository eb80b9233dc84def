package dev.nanoadam.models.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.check.Data;
import dev.nanoadam.models.check.FiniteDifference;
import dev.nanoadam.models.check.Tolerance;
import dev.nanoadam.testing.Compare;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The test model itself: its gradients against a float64 twin, its buffer's update, its names and groups. */
class TinyMlpTest {
    private static final int BATCH = 5;
    private static final int LEN = 4;

    private static Batch images(int features, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[BATCH * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        return Batch.images(BATCH, 1, 1, features, x, labels(r, classes));
    }

    private static Batch tokens(int vocabulary, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[BATCH * LEN];
        int[] mask = new int[BATCH * LEN];
        for (int i = 0; i < BATCH; i++) {
            int length = 1 + i % LEN;   // padding after the first 1..LEN tokens
            for (int t = 0; t < LEN; t++) {
                ids[i * LEN + t] = r.nextInt(vocabulary);
                mask[i * LEN + t] = t < length ? 1 : 0;
            }
        }
        return Batch.tokens(BATCH, LEN, ids, mask, labels(r, classes));
    }

    private static int[] labels(SplittableRandom r, int classes) {
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = r.nextInt(classes);
        }
        return y;
    }

    /** The model's loss in float64, from float64 copies {@code p} of its parameters. */
    private static double loss64(Map<String, double[]> p, double[] mean, Batch b, int features, int hidden, int classes) {
        double total = 0;
        for (int i = 0; i < b.size(); i++) {
            double[] x = new double[features];
            if (b.tokenIds() != null) {
                double[] e = p.get("embedding.weight");
                int count = 0;
                for (int t = 0; t < b.seqLen(); t++) {
                    if (b.attentionMask()[i * b.seqLen() + t] != 0) {
                        int id = b.tokenIds()[i * b.seqLen() + t];
                        for (int d = 0; d < features; d++) {
                            x[d] += e[id * features + d];
                        }
                        count++;
                    }
                }
                for (int d = 0; d < features; d++) {
                    x[d] /= count;
                }
            } else {
                for (int d = 0; d < features; d++) {
                    x[d] = b.images()[i * features + d];
                }
            }
            for (int d = 0; d < features; d++) {
                x[d] -= mean[d];
            }
            if (hidden > 0) {
                double[] w = p.get("layer1.weight");
                double[] bias = p.get("layer1.bias");
                double[] h = new double[hidden];
                for (int u = 0; u < hidden; u++) {
                    double s = bias[u];
                    for (int d = 0; d < features; d++) {
                        s += w[u * features + d] * x[d];
                    }
                    h[u] = Math.max(0, s);
                }
                x = h;
            }
            double[] v = p.get("fc.weight");
            double[] logits = new double[classes];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = p.get("fc.bias")[c];
                for (int u = 0; u < x.length; u++) {
                    s += v[c * x.length + u] * x[u];
                }
                logits[c] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[c] - max);
            }
            total += max + Math.log(sum) - logits[b.labels()[i]];
        }
        return total / b.size();
    }

    private static void checkGradients(TinyMlp m, Batch b, int features, int hidden, int classes, String what) {
        SplittableRandom r = new SplittableRandom(3);
        for (int d = 0; d < features; d++) {
            m.runningMean()[d] = (float) r.nextDouble(-0.5, 0.5);   // a mean that matters
        }
        float[] meanBefore = m.runningMean().clone();
        m.train(false);
        float loss = m.lossAndGradients(b);
        Compare.exact(what + ": the buffer is left alone in evaluation mode", meanBefore, m.runningMean(), features);
        Map<String, double[]> p = new LinkedHashMap<>();
        for (Parameter q : m.parameters()) {
            p.put(q.name(), Data.widen(q.data()));
        }
        double[] mean = Data.widen(m.runningMean());
        Compare.close(what + " loss", new double[] {loss64(p, mean, b, features, hidden, classes)}, new float[] {loss},
                Tolerance.FORWARD_ATOL, Tolerance.FORWARD_RTOL);
        for (Parameter q : m.parameters()) {
            double[] expected = FiniteDifference.gradient(p.get(q.name()), () -> loss64(p, mean, b, features, hidden, classes));
            double scale = Compare.scale(expected, 1);
            Compare.close(what + " gradient of " + q.name(), expected, q.grad(), Tolerance.GRADIENT_ATOL * scale,
                    Tolerance.GRADIENT_RTOL);
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesOfAFloat64Twin() {
        checkGradients(TinyMlp.images(7, 6, 3, 1), images(7, 3, 2), 7, 6, 3, "images, hidden 6");
        checkGradients(TinyMlp.images(7, 0, 3, 1), images(7, 3, 2), 7, 0, 3, "images, no hidden layer");
        checkGradients(TinyMlp.tokens(11, 5, 6, 3, 1), tokens(11, 3, 2), 5, 6, 3, "tokens, hidden 6");
        checkGradients(TinyMlp.tokens(11, 5, 0, 3, 1), tokens(11, 3, 2), 5, 0, 3, "tokens, no hidden layer");
    }

    @Test
    void aTrainingStepUsesTheMeanItStartsWithThenMovesItATenthOfTheWay() {
        TinyMlp a = TinyMlp.images(7, 6, 3, 1);
        TinyMlp b = TinyMlp.images(7, 6, 3, 1);
        Batch batch = images(7, 3, 4);
        a.runningMean()[2] = 0.75f;
        b.runningMean()[2] = 0.75f;
        b.train(false);
        float evaluation = b.lossAndGradients(batch);
        float training = a.lossAndGradients(batch);
        Compare.exact("the step's loss uses the old mean", evaluation, training);
        for (Parameter q : a.parameters()) {
            Compare.exact("gradient of " + q.name(), b.parameter(q.name()).grad(), q.grad(), q.size());
        }
        double[] expected = new double[7];
        for (int d = 0; d < 7; d++) {
            double sum = 0;
            for (int i = 0; i < BATCH; i++) {
                sum += batch.images()[i * 7 + d];
            }
            expected[d] = 0.9 * b.runningMean()[d] + 0.1 * sum / BATCH;
        }
        Compare.close("running mean after the step", expected, a.runningMean(), Tolerance.FORWARD_ATOL,
                Tolerance.FORWARD_RTOL);
    }

    @Test
    void namesAndGroups() {
        TinyMlp t = TinyMlp.tokens(11, 5, 6, 3, 1);
        assertEquals(List.of("embedding.weight", "layer1.weight"), t.sparseParameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("layer1.bias", "fc.weight", "fc.bias"), t.denseParameters().stream().map(Parameter::name).toList());
        TinyMlp s = TinyMlp.images(7, 0, 3, 1);
        assertEquals(List.of("fc.weight"), s.sparseParameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("fc.bias"), s.denseParameters().stream().map(Parameter::name).toList());
        assertEquals(List.of("input.running_mean"), List.copyOf(s.buffers().keySet()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.parameter("layer1.weight"));
        assertEquals("TinyMlp has no parameter 'layer1.weight'; it has [fc.weight, fc.bias]", e.getMessage());
        Compare.exact("same seed, same weights", TinyMlp.images(7, 0, 3, 1).parameter("fc.weight").data(),
                s.parameter("fc.weight").data(), 21);
    }
}
