package dev.nanoadam.models.math;

/**
 * Lowers a 2-D convolution to a matrix product, for activations in channel-major layout
 * {@code [C, N, H, W]} (all images' pixels of one channel contiguous).
 *
 * <p>With that layout the output pixels of the whole batch form one index
 * {@code q = (image*outH + oy)*outW + ox}, and the convolution is
 * {@code out[co, q] = sum_r W[co, r] * col[r, q]} with {@code r = (c*kh + ky)*kw + kx} and
 * {@code col[r, q] = x[c, image, oy*stride - pad + ky, ox*stride - pad + kx]} (zero outside the
 * image). These routines fill a block of columns {@code [q0, q0+cols)} of {@code col} for a range
 * of rows, and scatter a block back (the transpose, for the input gradient).
 */
public final class Im2col {
    private Im2col() {
    }

    /** Output size of a convolution or pooling window along one axis. */
    public static int outputSize(int in, int kernel, int stride, int pad) {
        return (in + 2 * pad - kernel) / stride + 1;
    }

    /**
     * Fills rows [rFrom, rTo) of {@code col} ({@code [C*kh*kw, cols]}, row-major) with output
     * columns [q0, q0+cols) of input {@code x} ({@code [C, n, h, w]}).
     */
    public static void lower(float[] x, int n, int h, int w, int kh, int kw, int stride, int pad,
                             int q0, int cols, int rFrom, int rTo, float[] col) {
        int oh = outputSize(h, kh, stride, pad);
        int ow = outputSize(w, kw, stride, pad);
        int perImage = oh * ow;
        int image0 = q0 / perImage;
        int oy0 = (q0 - image0 * perImage) / ow;
        int ox0 = q0 - image0 * perImage - oy0 * ow;
        for (int r = rFrom; r < rTo; r++) {
            int c = r / (kh * kw);
            int ky = r / kw % kh;
            int kx = r % kw;
            int channelBase = c * n * h * w;
            // Output columns with ix = ox*stride - pad + kx inside [0, w): ox in [oxLo, oxHi).
            int oxLo = Math.min(ow, Math.max(0, ceilDiv(pad - kx, stride)));
            int oxHi = Math.max(oxLo, Math.min(ow, Math.floorDiv(w - 1 + pad - kx, stride) + 1));
            int o = r * cols;
            int end = o + cols;
            int image = image0;
            int oy = oy0;
            int ox = ox0;
            // One output row (or the part of it inside the block) per pass.
            while (o < end) {
                int run = Math.min(ow - ox, end - o);
                int iy = oy * stride - pad + ky;
                if (iy < 0 || iy >= h) {
                    for (int t = 0; t < run; t++) {
                        col[o + t] = 0f;
                    }
                } else {
                    int src = channelBase + (image * h + iy) * w - pad + kx;
                    int stop = ox + run;
                    int a = Math.min(stop, Math.max(ox, oxLo));
                    int b = Math.max(a, Math.min(stop, oxHi));
                    int d = o - ox;
                    for (int t = ox; t < a; t++) {
                        col[d + t] = 0f;
                    }
                    if (stride == 1) {
                        for (int t = a; t < b; t++) {
                            col[d + t] = x[src + t];
                        }
                    } else {
                        for (int t = a; t < b; t++) {
                            col[d + t] = x[src + t * stride];
                        }
                    }
                    for (int t = b; t < stop; t++) {
                        col[d + t] = 0f;
                    }
                }
                o += run;
                ox = 0;
                if (++oy == oh) {
                    oy = 0;
                    image++;
                }
            }
        }
    }

    /**
     * Adds column block [q0, q0+cols) of {@code col} back into the channels [cFrom, cTo) of
     * {@code dx} ({@code [C, n, h, w]}): the transpose of {@link #lower}. Channels are disjoint
     * outputs, so ranges of channels may run in parallel.
     */
    public static void raise(float[] col, int n, int h, int w, int kh, int kw, int stride, int pad,
                             int q0, int cols, int cFrom, int cTo, float[] dx) {
        int oh = outputSize(h, kh, stride, pad);
        int ow = outputSize(w, kw, stride, pad);
        int perImage = oh * ow;
        int image0 = q0 / perImage;
        int oy0 = (q0 - image0 * perImage) / ow;
        int ox0 = q0 - image0 * perImage - oy0 * ow;
        for (int c = cFrom; c < cTo; c++) {
            int channelBase = c * n * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int oxLo = Math.min(ow, Math.max(0, ceilDiv(pad - kx, stride)));
                    int oxHi = Math.max(oxLo, Math.min(ow, Math.floorDiv(w - 1 + pad - kx, stride) + 1));
                    int o = ((c * kh + ky) * kw + kx) * cols;
                    int end = o + cols;
                    int image = image0;
                    int oy = oy0;
                    int ox = ox0;
                    while (o < end) {
                        int run = Math.min(ow - ox, end - o);
                        int iy = oy * stride - pad + ky;
                        if (iy >= 0 && iy < h) {
                            int dst = channelBase + (image * h + iy) * w - pad + kx;
                            int stop = ox + run;
                            int a = Math.min(stop, Math.max(ox, oxLo));
                            int b = Math.max(a, Math.min(stop, oxHi));
                            int s = o - ox;
                            if (stride == 1) {
                                for (int t = a; t < b; t++) {
                                    dx[dst + t] += col[s + t];
                                }
                            } else {
                                for (int t = a; t < b; t++) {
                                    dx[dst + t * stride] += col[s + t];
                                }
                            }
                        }
                        o += run;
                        ox = 0;
                        if (++oy == oh) {
                            oy = 0;
                            image++;
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
