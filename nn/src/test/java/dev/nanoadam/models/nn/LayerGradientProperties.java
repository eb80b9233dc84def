package dev.nanoadam.models.nn;

import static dev.nanoadam.models.check.Data.narrow;
import static dev.nanoadam.models.check.Data.project;
import static dev.nanoadam.models.check.Data.uniform;
import static dev.nanoadam.models.check.Data.widen;
import static dev.nanoadam.models.check.Tolerance.assertForward;
import static dev.nanoadam.models.check.Tolerance.assertGradient;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.check.FiniteDifference;
import dev.nanoadam.models.check.Ref64;
import dev.nanoadam.testing.Compare;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Every layer's forward pass against its float64 twin ({@link Ref64}) and its backward pass
 * (input and parameter gradients) against float64 central differences of {@code sum(r * y)} for a
 * random projection r, on random small shapes. Gradient arrays start non-zero, to check that
 * backward adds to them, and input gradients are checked both overwritten and accumulated.
 */
class LayerGradientProperties {
    private static void randomize(Parameter p, Random rng) {
        float[] d = p.data();
        System.arraycopy(uniform(rng, d.length), 0, d, 0, d.length);
        float[] g = p.grad();
        System.arraycopy(uniform(rng, g.length), 0, g, 0, g.length);
    }

    private static float[] copy(float[] x) {
        return x.clone();
    }

    /** Input gradient of a layer that may accumulate: the expected value adds the prior contents. */
    private static float[] initialDx(Random rng, int n, boolean accumulate) {
        return accumulate ? uniform(rng, n) : new float[n];
    }

    @Property(tries = 30, seed = "101")
    void linear(@ForAll @IntRange(min = 1, max = 9) int rows, @ForAll @IntRange(min = 1, max = 9) int in,
                @ForAll @IntRange(min = 1, max = 9) int out, @ForAll boolean accumulate, @ForAll long seed) {
        Random rng = new Random(seed);
        Linear layer = new Linear("fc", in, out, true);
        randomize(layer.weight(), rng);
        randomize(layer.bias(), rng);
        float[] x = uniform(rng, rows * in);
        double[] r = widen(uniform(rng, rows * out));
        float[] y = new float[rows * out];
        layer.forward(x, y, rows);
        double[] xd = widen(x);
        double[] wd = widen(layer.weight().data());
        double[] bd = widen(layer.bias().data());
        String what = "linear rows=" + rows + " in=" + in + " out=" + out + " seed=" + seed;
        assertForward(what + " forward", Ref64.linear(xd, wd, bd, rows, in, out), y);

        float[] gw0 = copy(layer.weight().grad());
        float[] gb0 = copy(layer.bias().grad());
        float[] dx0 = initialDx(rng, rows * in, accumulate);
        float[] dx = copy(dx0);
        layer.backward(x, narrow(r), dx, rows, accumulate);
        java.util.function.DoubleSupplier f = () -> project(Ref64.linear(xd, wd, bd, rows, in, out), r);
        assertGradient(what + " dx", FiniteDifference.gradient(xd, f), dx0, dx);
        assertGradient(what + " dW", FiniteDifference.gradient(wd, f), gw0, layer.weight().grad());
        assertGradient(what + " db", FiniteDifference.gradient(bd, f), gb0, layer.bias().grad());
    }

    @Property(tries = 20, seed = "102")
    void embedding(@ForAll @IntRange(min = 1, max = 6) int num, @ForAll @IntRange(min = 1, max = 5) int dim,
                   @ForAll @IntRange(min = 1, max = 9) int count, @ForAll boolean accumulate, @ForAll long seed) {
        Random rng = new Random(seed);
        Embedding layer = new Embedding("e", num, dim);
        randomize(layer.table(), rng);
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = rng.nextInt(num);
        }
        float[] y0 = accumulate ? uniform(rng, count * dim) : new float[count * dim];
        float[] y = copy(y0);
        layer.forward(ids, count, y, accumulate);
        double[] td = widen(layer.table().data());
        double[] expected = Ref64.embedding(td, ids, count, dim);
        for (int i = 0; i < expected.length; i++) {
            expected[i] += y0[i];
        }
        String what = "embedding num=" + num + " dim=" + dim + " count=" + count + " seed=" + seed;
        assertForward(what + " forward", expected, y);
        double[] r = widen(uniform(rng, count * dim));
        float[] g0 = copy(layer.table().grad());
        layer.backward(ids, count, narrow(r));
        assertGradient(what + " dTable",
                FiniteDifference.gradient(td, () -> project(Ref64.embedding(td, ids, count, dim), r)), g0,
                layer.table().grad());
    }

    @Property(tries = 30, seed = "103")
    void layerNorm(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 12) int dim,
                   @ForAll boolean accumulate, @ForAll long seed) {
        Random rng = new Random(seed);
        float eps = rng.nextBoolean() ? 1e-12f : 1e-5f;
        LayerNorm layer = new LayerNorm("ln", dim, eps);
        randomize(layer.weight(), rng);
        randomize(layer.bias(), rng);
        float[] x = uniform(rng, rows * dim);
        float[] y = new float[rows * dim];
        layer.forward(x, y, rows);
        double[] xd = widen(x);
        double[] gd = widen(layer.weight().data());
        double[] bd = widen(layer.bias().data());
        String what = "layerNorm rows=" + rows + " dim=" + dim + " eps=" + eps + " seed=" + seed;
        assertForward(what + " forward", Ref64.layerNorm(xd, gd, bd, rows, dim, eps), y);
        double[] r = widen(uniform(rng, rows * dim));
        float[] gg0 = copy(layer.weight().grad());
        float[] gb0 = copy(layer.bias().grad());
        float[] dx0 = initialDx(rng, rows * dim, accumulate);
        float[] dx = copy(dx0);
        layer.backward(x, narrow(r), dx, rows, accumulate);
        java.util.function.DoubleSupplier f = () -> project(Ref64.layerNorm(xd, gd, bd, rows, dim, eps), r);
        if (dim > 1) {
            // With dim 1 the output is beta whatever x is, and the float64 twin at eps 1e-12 is
            // numerically singular there; the gradient is 0 and checked below.
            assertGradient(what + " dx", FiniteDifference.gradient(xd, f), dx0, dx);
        } else {
            for (int i = 0; i < rows; i++) {
                assertEquals(dx0[i], dx[i], 1e-6, what + " dx must be 0 when dim is 1");
            }
        }
        assertGradient(what + " dGamma", FiniteDifference.gradient(gd, f), gg0, layer.weight().grad());
        assertGradient(what + " dBeta", FiniteDifference.gradient(bd, f), gb0, layer.bias().grad());
    }

    @Property(tries = 20, seed = "104")
    void gelu(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
        Random rng = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * (i % 3 == 0 ? 6 : 1.5));
        }
        Gelu layer = new Gelu();
        float[] y = new float[n];
        layer.forward(x, y, n);
        double[] xd = widen(x);
        String what = "gelu n=" + n + " seed=" + seed;
        assertForward(what + " forward", Ref64.gelu(xd), y);
        double[] r = widen(uniform(rng, n));
        float[] dx = new float[n];
        layer.backward(x, narrow(r), dx, n);
        assertGradient(what + " dx", FiniteDifference.gradient(xd, () -> project(Ref64.gelu(xd), r)), null, dx);
    }

    @Property(tries = 10, seed = "105")
    void reluAndResidual(@ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed) {
        Random rng = new Random(seed);
        float[] a = uniform(rng, n);
        float[] b = uniform(rng, n);
        float[] sum = new float[n];
        Residual.forward(a, b, sum, n);
        Relu relu = new Relu();
        float[] y = new float[n];
        relu.forward(sum, y, n);
        double[] ad = widen(a);
        double[] bd = widen(b);
        String what = "relu(a + b) n=" + n + " seed=" + seed;
        assertForward(what + " forward", Ref64.relu(Ref64.add(ad, bd)), y);
        double[] r = widen(uniform(rng, n));
        float[] dsum = new float[n];
        relu.backward(y, narrow(r), dsum, n);
        float[] da = new float[n];
        float[] db = uniform(rng, n);
        float[] db0 = copy(db);
        Residual.backward(dsum, da, n, false);
        Residual.backward(dsum, db, n, true);
        java.util.function.DoubleSupplier f = () -> project(Ref64.relu(Ref64.add(ad, bd)), r);
        assertGradient(what + " da", FiniteDifference.gradient(ad, f), null, da);
        assertGradient(what + " db (accumulated)", FiniteDifference.gradient(bd, f), db0, db);
    }

    @Property(tries = 20, seed = "106")
    void softmaxCrossEntropy(@ForAll @IntRange(min = 1, max = 6) int rows,
                             @ForAll @IntRange(min = 1, max = 7) int classes, @ForAll long seed) {
        Random rng = new Random(seed);
        float[] logits = new float[rows * classes];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (rng.nextGaussian() * 3);
        }
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = rng.nextInt(classes);
        }
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        float loss = ce.forward(logits, labels, rows, classes);
        double[] ld = widen(logits);
        String what = "cross-entropy rows=" + rows + " classes=" + classes + " seed=" + seed;
        assertForward(what + " loss", new double[] {Ref64.crossEntropy(ld, labels, rows, classes)},
                new float[] {loss});
        float[] d = new float[rows * classes];
        ce.backward(d);
        assertGradient(what + " dLogits",
                FiniteDifference.gradient(ld, () -> Ref64.crossEntropy(ld, labels, rows, classes)), null, d);
    }

    @Property(tries = 30, seed = "107")
    void attention(@ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 6) int seq,
                   @ForAll @IntRange(min = 1, max = 3) int heads, @ForAll @IntRange(min = 1, max = 3) int headDim,
                   @ForAll boolean masked, @ForAll boolean causal, @ForAll boolean accumulate, @ForAll long seed) {
        Random rng = new Random(seed);
        int hidden = heads * headDim;
        Linear[] proj = {new Linear("q", hidden, hidden, true), new Linear("k", hidden, hidden, true),
                         new Linear("v", hidden, hidden, true), new Linear("o", hidden, hidden, true)};
        for (Linear l : proj) {
            randomize(l.weight(), rng);
            randomize(l.bias(), rng);
        }
        MultiHeadSelfAttention layer = new MultiHeadSelfAttention(proj[0], proj[1], proj[2], proj[3], heads, causal);
        int[] mask = null;
        if (masked) {
            mask = new int[batch * seq];
            for (int b = 0; b < batch; b++) {
                int real = 1 + rng.nextInt(seq);
                for (int s = 0; s < seq; s++) {
                    // Right padding mostly; sometimes a hole in the middle or left padding.
                    mask[b * seq + s] = s < real ? 1 : 0;
                }
                if (rng.nextInt(3) == 0 && seq > 1) {
                    int[] rotated = rotate(mask, b * seq, seq);
                    System.arraycopy(rotated, 0, mask, b * seq, seq);
                }
            }
        }
        int rows = batch * seq;
        float[] x = uniform(rng, rows * hidden);
        float[] y = new float[rows * hidden];
        layer.forward(x, y, batch, seq, mask);
        double[] xd = widen(x);
        double[][] w = new double[8][];
        for (int i = 0; i < 4; i++) {
            w[2 * i] = widen(proj[i].weight().data());
            w[2 * i + 1] = widen(proj[i].bias().data());
        }
        int[] m = mask;
        String what = "attention batch=" + batch + " seq=" + seq + " heads=" + heads + " headDim=" + headDim
                + " masked=" + masked + " causal=" + causal + " seed=" + seed;
        assertForward(what + " forward", Ref64.attention(xd, w, batch, seq, hidden, heads, m, causal), y);
        double[] r = widen(uniform(rng, rows * hidden));
        float[][] g0 = new float[8][];
        for (int i = 0; i < 4; i++) {
            g0[2 * i] = copy(proj[i].weight().grad());
            g0[2 * i + 1] = copy(proj[i].bias().grad());
        }
        float[] dx0 = initialDx(rng, rows * hidden, accumulate);
        float[] dx = copy(dx0);
        layer.backward(x, narrow(r), dx, accumulate);
        java.util.function.DoubleSupplier f =
                () -> project(Ref64.attention(xd, w, batch, seq, hidden, heads, m, causal), r);
        assertGradient(what + " dx", FiniteDifference.gradient(xd, f), dx0, dx);
        String[] names = {"dWq", "dbq", "dWk", "dbk", "dWv", "dbv", "dWo", "dbo"};
        for (int i = 0; i < 8; i++) {
            Parameter p = i % 2 == 0 ? proj[i / 2].weight() : proj[i / 2].bias();
            assertGradient(what + " " + names[i], FiniteDifference.gradient(w[i], f), g0[i], p.grad());
        }
    }

    /** Moves the last entry of x[off..off+n) to the front (a padded slot before the real ones). */
    private static int[] rotate(int[] x, int off, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[(i + 1) % n] = x[off + i];
        }
        return r;
    }

    @Property(tries = 30, seed = "108")
    void conv2d(@ForAll @IntRange(min = 1, max = 3) int n, @ForAll @IntRange(min = 1, max = 3) int inC,
                @ForAll @IntRange(min = 1, max = 3) int outC, @ForAll @IntRange(min = 1, max = 7) int h,
                @ForAll @IntRange(min = 1, max = 7) int w, @ForAll @IntRange(min = 1, max = 3) int k,
                @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 0, max = 2) int pad,
                @ForAll boolean accumulate, @ForAll long seed) {
        Assume.that(h + 2 * pad >= k && w + 2 * pad >= k);
        Random rng = new Random(seed);
        Conv2d layer = new Conv2d("conv", inC, outC, k, stride, pad);
        randomize(layer.weight(), rng);
        int oh = layer.outputSize(h);
        int ow = layer.outputSize(w);
        float[] x = uniform(rng, inC * n * h * w);
        float[] y = new float[outC * n * oh * ow];
        layer.forward(x, y, n, h, w);
        double[] xd = widen(x);
        double[] wd = widen(layer.weight().data());
        String what = "conv2d n=" + n + " in=" + inC + " out=" + outC + " " + h + "x" + w + " k=" + k + " stride="
                + stride + " pad=" + pad + " seed=" + seed;
        assertForward(what + " forward", Ref64.conv2d(xd, wd, n, inC, h, w, outC, k, stride, pad), y);
        double[] r = widen(uniform(rng, y.length));
        float[] gw0 = copy(layer.weight().grad());
        float[] dx0 = initialDx(rng, x.length, accumulate);
        float[] dx = copy(dx0);
        layer.backward(x, narrow(r), dx, n, h, w, accumulate);
        java.util.function.DoubleSupplier f =
                () -> project(Ref64.conv2d(xd, wd, n, inC, h, w, outC, k, stride, pad), r);
        assertGradient(what + " dx", FiniteDifference.gradient(xd, f), dx0, dx);
        assertGradient(what + " dW", FiniteDifference.gradient(wd, f), gw0, layer.weight().grad());
    }

    @Property(tries = 25, seed = "109")
    void batchNormTraining(@ForAll @IntRange(min = 1, max = 3) int channels, @ForAll @IntRange(min = 1, max = 3) int n,
                           @ForAll @IntRange(min = 1, max = 6) int hw, @ForAll boolean accumulate, @ForAll long seed) {
        Assume.that(n * hw >= 2);
        Random rng = new Random(seed);
        BatchNorm2d layer = new BatchNorm2d("bn", channels);
        randomize(layer.weight(), rng);
        randomize(layer.bias(), rng);
        int count = n * hw;
        float[] x = uniform(rng, channels * count);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * 2 + 0.5f;
        }
        float[] y = new float[x.length];
        layer.forward(x, y, n, hw, true);
        double[] xd = widen(x);
        double[] gd = widen(layer.weight().data());
        double[] bd = widen(layer.bias().data());
        String what = "batchNorm train C=" + channels + " n=" + n + " hw=" + hw + " seed=" + seed;
        assertForward(what + " forward", Ref64.batchNormTrain(xd, gd, bd, channels, count, BatchNorm2d.EPS), y);
        // Running statistics: 0.9 * (0, 1) + 0.1 * (batch mean, unbiased batch variance).
        double[] expectedMean = new double[channels];
        double[] expectedVar = new double[channels];
        for (int c = 0; c < channels; c++) {
            double m = 0;
            for (int i = 0; i < count; i++) {
                m += xd[c * count + i];
            }
            m /= count;
            double v = 0;
            for (int i = 0; i < count; i++) {
                v += (xd[c * count + i] - m) * (xd[c * count + i] - m);
            }
            expectedMean[c] = 0.1 * m;
            expectedVar[c] = 0.9 + 0.1 * v / (count - 1);
        }
        assertForward(what + " running_mean", expectedMean, layer.runningMean());
        assertForward(what + " running_var", expectedVar, layer.runningVar());

        double[] r = widen(uniform(rng, x.length));
        float[] gg0 = copy(layer.weight().grad());
        float[] gb0 = copy(layer.bias().grad());
        float[] dx0 = initialDx(rng, x.length, accumulate);
        float[] dx = copy(dx0);
        layer.backward(x, narrow(r), dx, n, hw, accumulate);
        java.util.function.DoubleSupplier f =
                () -> project(Ref64.batchNormTrain(xd, gd, bd, channels, count, BatchNorm2d.EPS), r);
        assertGradient(what + " dx", FiniteDifference.gradient(xd, f), dx0, dx);
        assertGradient(what + " dGamma", FiniteDifference.gradient(gd, f), gg0, layer.weight().grad());
        assertGradient(what + " dBeta", FiniteDifference.gradient(bd, f), gb0, layer.bias().grad());
    }

    @Property(tries = 15, seed = "110")
    void batchNormEvaluation(@ForAll @IntRange(min = 1, max = 3) int channels, @ForAll @IntRange(min = 1, max = 3) int n,
                             @ForAll @IntRange(min = 1, max = 6) int hw, @ForAll long seed) {
        Random rng = new Random(seed);
        BatchNorm2d layer = new BatchNorm2d("bn", channels);
        randomize(layer.weight(), rng);
        randomize(layer.bias(), rng);
        for (int c = 0; c < channels; c++) {
            layer.runningMean()[c] = rng.nextFloat() - 0.5f;
            layer.runningVar()[c] = 0.2f + rng.nextFloat();
        }
        float[] meanBefore = copy(layer.runningMean());
        float[] varBefore = copy(layer.runningVar());
        int count = n * hw;
        float[] x = uniform(rng, channels * count);
        float[] y = new float[x.length];
        layer.forward(x, y, n, hw, false);
        double[] xd = widen(x);
        double[] gd = widen(layer.weight().data());
        double[] bd = widen(layer.bias().data());
        double[] md = widen(meanBefore);
        double[] vd = widen(varBefore);
        String what = "batchNorm eval C=" + channels + " n=" + n + " hw=" + hw + " seed=" + seed;
        assertForward(what + " forward", Ref64.batchNormEval(xd, gd, bd, md, vd, channels, count, BatchNorm2d.EPS), y);
        Compare.exact(what + ": running_mean must not change", meanBefore, layer.runningMean());
        Compare.exact(what + ": running_var must not change", varBefore, layer.runningVar());
        double[] r = widen(uniform(rng, x.length));
        float[] gg0 = copy(layer.weight().grad());
        float[] gb0 = copy(layer.bias().grad());
        float[] dx = new float[x.length];
        layer.backward(x, narrow(r), dx, n, hw, false);
        java.util.function.DoubleSupplier f =
                () -> project(Ref64.batchNormEval(xd, gd, bd, md, vd, channels, count, BatchNorm2d.EPS), r);
        assertGradient(what + " dx", FiniteDifference.gradient(xd, f), null, dx);
        assertGradient(what + " dGamma", FiniteDifference.gradient(gd, f), gg0, layer.weight().grad());
        assertGradient(what + " dBeta", FiniteDifference.gradient(bd, f), gb0, layer.bias().grad());
    }

    @Property(tries = 30, seed = "111")
    void pooling(@ForAll boolean max, @ForAll @IntRange(min = 1, max = 2) int channels,
                 @ForAll @IntRange(min = 1, max = 2) int n, @ForAll @IntRange(min = 1, max = 7) int h,
                 @ForAll @IntRange(min = 1, max = 7) int w, @ForAll @IntRange(min = 1, max = 3) int k,
                 @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 1) int pad,
                 @ForAll boolean accumulate, @ForAll long seed) {
        Assume.that(2 * pad <= k && h + 2 * pad >= k && w + 2 * pad >= k);
        Random rng = new Random(seed);
        Pooling layer = new Pooling(max ? Pooling.Kind.MAX : Pooling.Kind.AVERAGE, k, stride, pad);
        int oh = layer.outputSize(h);
        int ow = layer.outputSize(w);
        float[] x = uniform(rng, channels * n * h * w);
        float[] y = new float[channels * n * oh * ow];
        layer.forward(x, y, channels, n, h, w);
        double[] xd = widen(x);
        String what = (max ? "max" : "avg") + "Pool C=" + channels + " n=" + n + " " + h + "x" + w + " k=" + k
                + " stride=" + stride + " pad=" + pad + " seed=" + seed;
        assertForward(what + " forward", Ref64.pool(xd, max, channels, n, h, w, k, stride, pad), y);
        double[] r = widen(uniform(rng, y.length));
        float[] dx0 = initialDx(rng, x.length, accumulate);
        float[] dx = copy(dx0);
        layer.backward(narrow(r), dx, channels, n, h, w, accumulate);
        assertGradient(what + " dx", FiniteDifference.gradient(xd,
                () -> project(Ref64.pool(xd, max, channels, n, h, w, k, stride, pad), r)), dx0, dx);
    }

    @Property(tries = 10, seed = "112")
    void globalAveragePool(@ForAll @IntRange(min = 1, max = 4) int channels, @ForAll @IntRange(min = 1, max = 3) int n,
                           @ForAll @IntRange(min = 1, max = 9) int hw, @ForAll long seed) {
        Random rng = new Random(seed);
        float[] x = uniform(rng, channels * n * hw);
        float[] y = new float[n * channels];
        GlobalAvgPool.forward(x, y, channels, n, hw);
        double[] xd = widen(x);
        String what = "globalAvgPool C=" + channels + " n=" + n + " hw=" + hw + " seed=" + seed;
        assertForward(what + " forward", Ref64.globalAvgPool(xd, channels, n, hw), y);
        double[] r = widen(uniform(rng, y.length));
        float[] dx = uniform(rng, x.length);
        GlobalAvgPool.backward(narrow(r), dx, channels, n, hw);
        assertGradient(what + " dx", FiniteDifference.gradient(xd,
                () -> project(Ref64.globalAvgPool(xd, channels, n, hw), r)), null, dx);
    }
}
