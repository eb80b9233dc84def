package dev.nanoadam.models.nn;

import static dev.nanoadam.models.check.Data.narrow;
import static dev.nanoadam.models.check.Data.project;
import static dev.nanoadam.models.check.Data.uniform;
import static dev.nanoadam.models.check.Data.widen;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.check.FiniteDifference;
import dev.nanoadam.models.check.Ref64;
import dev.nanoadam.models.check.Tolerance;
import dev.nanoadam.testing.Compare;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Convolution cases the random small shapes do not reach: padding, lowering in blocks, 1x1. */
class ConvolutionTest {
    /**
     * Zero padding p is the same as convolving, without padding, an input surrounded by p zeros:
     * the lowered matrices are identical, so the outputs are bit for bit.
     */
    @Test
    void paddingEqualsExplicitZeroBorder() {
        long seed = 41;
        Random rng = new Random(seed);
        int n = 2;
        int c = 3;
        int h = 7;
        int w = 5;
        int pad = 2;
        for (int stride = 1; stride <= 2; stride++) {
            Conv2d padded = new Conv2d("a", c, 4, 3, stride, pad);
            Conv2d plain = new Conv2d("b", c, 4, 3, stride, 0);
            float[] wt = uniform(rng, padded.weight().size());
            System.arraycopy(wt, 0, padded.weight().data(), 0, wt.length);
            System.arraycopy(wt, 0, plain.weight().data(), 0, wt.length);
            float[] x = uniform(rng, c * n * h * w);
            int hp = h + 2 * pad;
            int wp = w + 2 * pad;
            float[] border = new float[c * n * hp * wp];
            for (int ci = 0; ci < c * n; ci++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(x, (ci * h + y) * w, border, (ci * hp + y + pad) * wp + pad, w);
                }
            }
            int oh = padded.outputSize(h);
            int ow = padded.outputSize(w);
            float[] y1 = new float[4 * n * oh * ow];
            float[] y2 = new float[y1.length];
            padded.forward(x, y1, n, h, w);
            plain.forward(border, y2, n, hp, wp);
            Compare.exact("stride " + stride + " padded vs zero border (seed " + seed + ")", y2, y1);
        }
    }

    /**
     * An input whose lowered matrix exceeds the block budget is processed in several blocks of
     * output columns; forward and sampled gradients still match the float64 twin.
     */
    @Test
    void loweringInBlocks() {
        long seed = 43;
        Random rng = new Random(seed);
        int n = 2;
        int inC = 8;
        int outC = 3;
        int h = 48;
        int w = 41;
        Conv2d conv = new Conv2d("conv", inC, outC, 3, 1, 1);
        int rows = inC * 9;
        int q = n * h * w;
        assertTrue((long) rows * q > Conv2d.COL_BUDGET, "the case must need more than one block");
        float[] wt = uniform(rng, conv.weight().size());
        System.arraycopy(wt, 0, conv.weight().data(), 0, wt.length);
        float[] x = uniform(rng, inC * q);
        float[] y = new float[outC * q];
        conv.forward(x, y, n, h, w);
        double[] xd = widen(x);
        double[] wd = widen(wt);
        Tolerance.assertForward("blocked conv forward (seed " + seed + ")",
                Ref64.conv2d(xd, wd, n, inC, h, w, outC, 3, 1, 1), y);
        double[] r = widen(uniform(rng, y.length));
        float[] dx = new float[x.length];
        conv.backward(x, narrow(r), dx, n, h, w, false);
        int block = Conv2d.COL_BUDGET / rows;
        // Input pixels feeding output columns on both sides of the first block boundary, and a few weights.
        int[] inputs = {block - 1, block, block + 1, block + 41, 5, q - 1, 7 * q + block};
        int[] weights = {0, 1, 100, rows - 1, rows, 2 * rows - 1};
        for (int i : inputs) {
            check("dx[" + i + "]", xd, i, dx[i], xd, wd, r, n, inC, h, w, outC);
        }
        for (int i : weights) {
            check("dW[" + i + "]", wd, i, conv.weight().grad()[i], xd, wd, r, n, inC, h, w, outC);
        }
    }

    private static void check(String what, double[] target, int i, float actual, double[] xd, double[] wd,
                              double[] r, int n, int inC, int h, int w, int outC) {
        double v = target[i];
        target[i] = v + FiniteDifference.STEP;
        double plus = project(Ref64.conv2d(xd, wd, n, inC, h, w, outC, 3, 1, 1), r);
        target[i] = v - FiniteDifference.STEP;
        double minus = project(Ref64.conv2d(xd, wd, n, inC, h, w, outC, 3, 1, 1), r);
        target[i] = v;
        // A sum over thousands of output pixels, so gradients are large; the layer tolerance
        // scales with the gradient's size.
        double expected = (plus - minus) / (2 * FiniteDifference.STEP);
        Tolerance.assertGradient("blocked conv " + what, new double[] {expected}, null, new float[] {actual});
    }

    /** A 1x1 convolution with stride 1 multiplies the input directly, without lowering. */
    @Test
    void pointwiseConvolution() {
        long seed = 47;
        Random rng = new Random(seed);
        Conv2d conv = new Conv2d("pw", 5, 3, 1, 1, 0);
        float[] wt = uniform(rng, conv.weight().size());
        System.arraycopy(wt, 0, conv.weight().data(), 0, wt.length);
        int n = 3;
        int h = 4;
        int w = 6;
        float[] x = uniform(rng, 5 * n * h * w);
        float[] y = new float[3 * n * h * w];
        conv.forward(x, y, n, h, w);
        double[] xd = widen(x);
        double[] wd = widen(wt);
        Tolerance.assertForward("1x1 conv forward", Ref64.conv2d(xd, wd, n, 5, h, w, 3, 1, 1, 0), y);
        double[] r = widen(uniform(rng, y.length));
        float[] dx = uniform(rng, x.length);
        float[] dx0 = dx.clone();
        conv.backward(x, narrow(r), dx, n, h, w, true);
        java.util.function.DoubleSupplier f = () -> project(Ref64.conv2d(xd, wd, n, 5, h, w, 3, 1, 1, 0), r);
        Tolerance.assertGradient("1x1 conv dx (accumulated)", FiniteDifference.gradient(xd, f), dx0, dx);
        Tolerance.assertGradient("1x1 conv dW", FiniteDifference.gradient(wd, f), null, conv.weight().grad());
    }
}
