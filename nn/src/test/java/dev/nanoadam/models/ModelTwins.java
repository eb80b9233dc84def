package dev.nanoadam.models;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.check.Ref64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Float64 twins of whole models, built from {@link Ref64} and reading parameters by name. */
final class ModelTwins {
    private ModelTwins() {
    }

    /** Every parameter widened to double, by name. */
    static Map<String, double[]> widen(Map<String, Parameter> params) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Parameter p : params.values()) {
            double[] d = new double[p.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = p.data()[i];
            }
            m.put(p.name(), d);
        }
        return m;
    }

    /** Mean cross-entropy of the transformer's CLS head on a token batch. */
    static double transformerLoss(Map<String, double[]> p, Transformer.Config c, Batch batch) {
        int b = batch.size();
        int s = batch.seqLen();
        int h = c.hiddenSize();
        int rows = b * s;
        double[] emb = new double[rows * h];
        double[] word = p.get("embeddings.word_embeddings.weight");
        double[] pos = p.get("embeddings.position_embeddings.weight");
        double[] type = p.get("embeddings.token_type_embeddings.weight");
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < h; j++) {
                emb[r * h + j] = word[batch.tokenIds()[r] * h + j] + pos[(r % s) * h + j] + type[j];
            }
        }
        double eps = c.layerNormEps();
        double[] x = Ref64.layerNorm(emb, p.get("embeddings.LayerNorm.weight"), p.get("embeddings.LayerNorm.bias"),
                rows, h, eps);
        for (int l = 0; l < c.numLayers(); l++) {
            String q = "encoder.layer." + l + ".";
            double[][] w = {
                p.get(q + "attention.self.query.weight"), p.get(q + "attention.self.query.bias"),
                p.get(q + "attention.self.key.weight"), p.get(q + "attention.self.key.bias"),
                p.get(q + "attention.self.value.weight"), p.get(q + "attention.self.value.bias"),
                p.get(q + "attention.output.dense.weight"), p.get(q + "attention.output.dense.bias"),
            };
            double[] a = Ref64.attention(x, w, b, s, h, c.numHeads(), batch.attentionMask(), c.causal());
            double[] h1 = Ref64.layerNorm(Ref64.add(a, x), p.get(q + "attention.output.LayerNorm.weight"),
                    p.get(q + "attention.output.LayerNorm.bias"), rows, h, eps);
            double[] inter = Ref64.gelu(Ref64.linear(h1, p.get(q + "intermediate.dense.weight"),
                    p.get(q + "intermediate.dense.bias"), rows, h, c.intermediateSize()));
            double[] out = Ref64.linear(inter, p.get(q + "output.dense.weight"), p.get(q + "output.dense.bias"),
                    rows, c.intermediateSize(), h);
            x = Ref64.layerNorm(Ref64.add(out, h1), p.get(q + "output.LayerNorm.weight"),
                    p.get(q + "output.LayerNorm.bias"), rows, h, eps);
        }
        double[] cls = new double[b * h];
        for (int i = 0; i < b; i++) {
            System.arraycopy(x, i * s * h, cls, i * h, h);
        }
        double[] logits = Ref64.linear(cls, p.get("classifier.weight"), p.get("classifier.bias"), b, h, c.numClasses());
        return Ref64.crossEntropy(logits, batch.labels(), b, c.numClasses());
    }

    /**
     * Mean cross-entropy of the ResNet on an image batch; training uses batch statistics,
     * evaluation the given running statistics (by buffer name).
     */
    static double resnetLoss(Map<String, double[]> p, Map<String, double[]> running, ResNet.Config c, Batch batch,
                             boolean training) {
        int n = batch.size();
        int cIn = c.inChannels();
        int h = c.height();
        int w = c.width();
        double[] x = new double[cIn * n * h * w];
        for (int ch = 0; ch < cIn; ch++) {
            for (int i = 0; i < n; i++) {
                for (int px = 0; px < h * w; px++) {
                    x[(ch * n + i) * h * w + px] = batch.images()[(i * cIn + ch) * h * w + px];
                }
            }
        }
        int base = c.baseWidth();
        double[] y = Ref64.conv2d(x, p.get("conv1.weight"), n, cIn, h, w, base, 3, 1, 1);
        y = Ref64.relu(bn(p, running, "bn1", y, base, n * h * w, training));
        int ch = base;
        for (int s = 0; s < c.blocksPerStage().size(); s++) {
            int width = base << s;
            for (int i = 0; i < c.blocksPerStage().get(s); i++) {
                int stride = s > 0 && i == 0 ? 2 : 1;
                String q = "layer" + (s + 1) + "." + i + ".";
                int oh = (h + 2 - 3) / stride + 1;
                int ow = (w + 2 - 3) / stride + 1;
                double[] a = Ref64.conv2d(y, p.get(q + "conv1.weight"), n, ch, h, w, width, 3, stride, 1);
                a = Ref64.relu(bn(p, running, q + "bn1", a, width, n * oh * ow, training));
                a = Ref64.conv2d(a, p.get(q + "conv2.weight"), n, width, oh, ow, width, 3, 1, 1);
                a = bn(p, running, q + "bn2", a, width, n * oh * ow, training);
                double[] shortcut = y;
                if (stride != 1 || ch != width) {
                    shortcut = Ref64.conv2d(y, p.get(q + "downsample.0.weight"), n, ch, h, w, width, 1, stride, 0);
                    shortcut = bn(p, running, q + "downsample.1", shortcut, width, n * oh * ow, training);
                }
                y = Ref64.relu(Ref64.add(a, shortcut));
                ch = width;
                h = oh;
                w = ow;
            }
        }
        double[] pooled = Ref64.globalAvgPool(y, ch, n, h * w);
        double[] logits = Ref64.linear(pooled, p.get("fc.weight"), p.get("fc.bias"), n, ch, c.numClasses());
        return Ref64.crossEntropy(logits, batch.labels(), n, c.numClasses());
    }

    private static double[] bn(Map<String, double[]> p, Map<String, double[]> running, String prefix, double[] x,
                               int channels, int count, boolean training) {
        double eps = dev.nanoadam.models.nn.BatchNorm2d.EPS;
        if (training) {
            return Ref64.batchNormTrain(x, p.get(prefix + ".weight"), p.get(prefix + ".bias"), channels, count, eps);
        }
        return Ref64.batchNormEval(x, p.get(prefix + ".weight"), p.get(prefix + ".bias"),
                running.get(prefix + ".running_mean"), running.get(prefix + ".running_var"), channels, count, eps);
    }
}
