package dev.nanoadam.models.check;

/**
 * Float64 twins of the layers' forward passes, written as plainly as possible (no blocking, no
 * vectors, no shared code with the layers), for finite-difference gradient checks. Layouts match
 * the layers: token activations {@code [rows, features]}, images {@code [C, N, H, W]}.
 */
public final class Ref64 {
    private Ref64() {
    }

    /** erf to about 1e-14: a Taylor series below 2.5, a continued fraction for erfc above. */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-18) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))),
            // evaluated from the tail.
            double f = ax;
            for (int k = 200; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return Math.copySign(r, x);
    }

    /** y = x W^T + b; W [out, in]; b may be null. */
    public static double[] linear(double[] x, double[] w, double[] b, int rows, int in, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    public static double[] layerNorm(double[] x, double[] g, double[] b, int rows, int dim, double eps) {
        double[] y = new double[rows * dim];
        for (int r = 0; r < rows; r++) {
            double m = 0;
            for (int j = 0; j < dim; j++) {
                m += x[r * dim + j];
            }
            m /= dim;
            double v = 0;
            for (int j = 0; j < dim; j++) {
                double d = x[r * dim + j] - m;
                v += d * d;
            }
            v /= dim;
            double s = 1 / Math.sqrt(v + eps);
            for (int j = 0; j < dim; j++) {
                y[r * dim + j] = (x[r * dim + j] - m) * s * g[j] + b[j];
            }
        }
        return y;
    }

    public static double[] gelu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 0.5 * x[i] * (1 + erf(x[i] / Math.sqrt(2)));
        }
        return y;
    }

    public static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(x[i], 0);
        }
        return y;
    }

    public static double[] add(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }

    /** Rows of the table for each id. */
    public static double[] embedding(double[] table, int[] ids, int count, int dim) {
        double[] y = new double[count * dim];
        for (int i = 0; i < count; i++) {
            System.arraycopy(table, ids[i] * dim, y, i * dim, dim);
        }
        return y;
    }

    /**
     * Multi-head self-attention with output projection. w holds {Wq, bq, Wk, bk, Wv, bv, Wo, bo};
     * mask [batch, seq] (1 real) or null; causal hides later keys.
     */
    public static double[] attention(double[] x, double[][] w, int batch, int seq, int hidden, int heads,
                                     int[] mask, boolean causal) {
        int rows = batch * seq;
        double[] q = linear(x, w[0], w[1], rows, hidden, hidden);
        double[] k = linear(x, w[2], w[3], rows, hidden, hidden);
        double[] v = linear(x, w[4], w[5], rows, hidden, hidden);
        int d = hidden / heads;
        double[] ctx = new double[rows * hidden];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < seq; i++) {
                    double[] score = new double[seq];
                    boolean[] vis = new boolean[seq];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < seq; j++) {
                        vis[j] = (mask == null || mask[b * seq + j] == 1) && (!causal || j <= i);
                        if (!vis[j]) {
                            continue;
                        }
                        double s = 0;
                        for (int t = 0; t < d; t++) {
                            s += q[(b * seq + i) * hidden + h * d + t] * k[(b * seq + j) * hidden + h * d + t];
                        }
                        score[j] = s / Math.sqrt(d);
                        max = Math.max(max, score[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < seq; j++) {
                        score[j] = vis[j] ? Math.exp(score[j] - max) : 0;
                        sum += score[j];
                    }
                    for (int t = 0; t < d; t++) {
                        double s = 0;
                        for (int j = 0; j < seq; j++) {
                            if (sum > 0) {
                                s += score[j] / sum * v[(b * seq + j) * hidden + h * d + t];
                            }
                        }
                        ctx[(b * seq + i) * hidden + h * d + t] = s;
                    }
                }
            }
        }
        return linear(ctx, w[6], w[7], rows, hidden, hidden);
    }

    /** Mean softmax cross-entropy. */
    public static double crossEntropy(double[] logits, int[] labels, int rows, int classes) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[r * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[r * classes + c] - max);
            }
            total += Math.log(sum) + max - logits[r * classes + labels[r]];
        }
        return total / rows;
    }

    /** Convolution of x [inC, n, h, w] by W [outC, inC, k, k], no bias; result [outC, n, oh, ow]. */
    public static double[] conv2d(double[] x, double[] wt, int n, int inC, int h, int w, int outC, int k,
                                  int stride, int pad) {
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (w + 2 * pad - k) / stride + 1;
        double[] y = new double[outC * n * oh * ow];
        for (int co = 0; co < outC; co++) {
            for (int img = 0; img < n; img++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = 0;
                        for (int ci = 0; ci < inC; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy * stride - pad + ky;
                                    int ix = ox * stride - pad + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        s += x[((ci * n + img) * h + iy) * w + ix] * wt[((co * inC + ci) * k + ky) * k + kx];
                                    }
                                }
                            }
                        }
                        y[((co * n + img) * oh + oy) * ow + ox] = s;
                    }
                }
            }
        }
        return y;
    }

    /** Training-mode BatchNorm of x [C, count] with batch statistics (biased variance). */
    public static double[] batchNormTrain(double[] x, double[] g, double[] b, int channels, int count, double eps) {
        double[] y = new double[x.length];
        for (int c = 0; c < channels; c++) {
            double m = 0;
            for (int i = 0; i < count; i++) {
                m += x[c * count + i];
            }
            m /= count;
            double v = 0;
            for (int i = 0; i < count; i++) {
                double d = x[c * count + i] - m;
                v += d * d;
            }
            v /= count;
            for (int i = 0; i < count; i++) {
                y[c * count + i] = (x[c * count + i] - m) / Math.sqrt(v + eps) * g[c] + b[c];
            }
        }
        return y;
    }

    /** Evaluation-mode BatchNorm with given running statistics. */
    public static double[] batchNormEval(double[] x, double[] g, double[] b, double[] mean, double[] var,
                                         int channels, int count, double eps) {
        double[] y = new double[x.length];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < count; i++) {
                y[c * count + i] = (x[c * count + i] - mean[c]) / Math.sqrt(var[c] + eps) * g[c] + b[c];
            }
        }
        return y;
    }

    /** Max (padding never wins) or average (padding counted) pooling of [C, n, h, w]. */
    public static double[] pool(double[] x, boolean max, int channels, int n, int h, int w, int k, int stride, int pad) {
        int oh = (h + 2 * pad - k) / stride + 1;
        int ow = (w + 2 * pad - k) / stride + 1;
        double[] y = new double[channels * n * oh * ow];
        for (int c = 0; c < channels; c++) {
            for (int img = 0; img < n; img++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double best = Double.NEGATIVE_INFINITY;
                        double sum = 0;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int iy = oy * stride - pad + ky;
                                int ix = ox * stride - pad + kx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    double v = x[((c * n + img) * h + iy) * w + ix];
                                    best = Math.max(best, v);
                                    sum += v;
                                }
                            }
                        }
                        y[((c * n + img) * oh + oy) * ow + ox] = max ? best : sum / (k * k);
                    }
                }
            }
        }
        return y;
    }

    /** [C, n, hw] to [n, C] means. */
    public static double[] globalAvgPool(double[] x, int channels, int n, int hw) {
        double[] y = new double[n * channels];
        for (int c = 0; c < channels; c++) {
            for (int img = 0; img < n; img++) {
                double s = 0;
                for (int p = 0; p < hw; p++) {
                    s += x[(c * n + img) * hw + p];
                }
                y[img * channels + c] = s / hw;
            }
        }
        return y;
    }
}
