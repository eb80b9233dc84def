package dev.nanoadam.models.onnx;

/**
 * A plain float64 BERT encoder forward pass over {@link BertWeights}, written from the BERT
 * definition (post-LayerNorm residual blocks, exact erf GELU, scaled dot-product attention with
 * padded keys masked out). It exists to check that the weights were named and laid out right:
 * fed the same ids, it must reproduce ONNX Runtime's hidden states. Slow and allocation-heavy
 * by design; not the model's implementation.
 */
final class BertReferenceForward {
    private final BertWeights w;
    private final BertWeights.Config c;

    BertReferenceForward(BertWeights weights) {
        this.w = weights;
        this.c = weights.config();
    }

    /** Last hidden state [seqLen, hidden] of one sequence; mask 1 for tokens, 0 for padding. */
    double[][] forward(int[] ids, int[] mask) {
        int n = ids.length;
        int h = c.hiddenSize();
        double[][] x = new double[n][h];
        float[] word = w.get("embeddings.word_embeddings.weight");
        float[] pos = w.get("embeddings.position_embeddings.weight");
        float[] type = w.get("embeddings.token_type_embeddings.weight");
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < h; j++) {
                x[t][j] = (double) word[ids[t] * h + j] + pos[t * h + j] + type[j];
            }
        }
        x = layerNorm(x, "embeddings.LayerNorm");
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            double[][] q = linear(x, p + "attention.self.query");
            double[][] k = linear(x, p + "attention.self.key");
            double[][] v = linear(x, p + "attention.self.value");
            double[][] ctx = new double[n][h];
            int hs = c.headSize();
            double scale = 1.0 / Math.sqrt(hs);
            for (int head = 0; head < c.numHeads(); head++) {
                int off = head * hs;
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        if (mask[j] == 0) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int d = 0; d < hs; d++) {
                            dot += q[i][off + d] * k[j][off + d];
                        }
                        s[j] = dot * scale;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = mask[j] == 0 ? 0 : Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < n; j++) {
                        double a = s[j] / sum;
                        for (int d = 0; d < hs; d++) {
                            ctx[i][off + d] += a * v[j][off + d];
                        }
                    }
                }
            }
            x = layerNorm(add(linear(ctx, p + "attention.output.dense"), x), p + "attention.output.LayerNorm");
            double[][] inter = linear(x, p + "intermediate.dense");
            for (double[] row : inter) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = 0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2)));
                }
            }
            x = layerNorm(add(linear(inter, p + "output.dense"), x), p + "output.LayerNorm");
        }
        return x;
    }

    private double[][] linear(double[][] x, String module) {
        float[] wt = w.get(module + ".weight"); // [out, in]
        float[] b = w.get(module + ".bias");
        int out = b.length;
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * wt[o * in + i];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String module) {
        float[] g = w.get(module + ".weight");
        float[] b = w.get(module + ".bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= x[t].length;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[t].length;
            double inv = 1 / Math.sqrt(var + c.layerNormEps());
            y[t] = new double[x[t].length];
            for (int j = 0; j < x[t].length; j++) {
                y[t][j] = (x[t][j] - mean) * inv * g[j] + b[j];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        for (int t = 0; t < a.length; t++) {
            for (int j = 0; j < a[t].length; j++) {
                a[t][j] += b[t][j];
            }
        }
        return a;
    }

    /** erf to about 1e-15: Maclaurin series near zero, Lentz continued fraction for erfc beyond. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 2.5) {
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return Math.copySign(2 / Math.sqrt(Math.PI) * sum, x);
        }
        if (ax > 6) {
            return Math.copySign(1, x);
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated by modified Lentz.
        double tiny = 1e-300;
        double f = ax;
        double cc = ax;
        double d = 0;
        for (int n = 1; n < 500; n++) {
            double an = n / 2.0;
            d = ax + an * d;
            d = d == 0 ? tiny : d;
            cc = ax + an / cc;
            cc = cc == 0 ? tiny : cc;
            d = 1 / d;
            double delta = cc * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.copySign(1 - erfc, x);
    }
}
