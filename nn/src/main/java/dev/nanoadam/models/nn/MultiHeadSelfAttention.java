package dev.nanoadam.models.nn;

import dev.nanoadam.models.math.Gemm;
import dev.nanoadam.cpu.WorkerPool;

/**
 * Multi-head self-attention with query, key, value and output projections, as BERT's
 * {@code attention.self} plus {@code attention.output.dense}:
 * {@code y = concat_h(softmax(Q_h K_h^T / sqrt(d) + mask) V_h) W_o^T + b_o} with
 * {@code Q = x W_q^T + b_q} (likewise K, V) and {@code d = hidden / heads}.
 *
 * <p>Inputs are {@code [batch, seq, hidden]} row-major, heads interleaved along hidden as in
 * Hugging Face (head h owns features {@code [h*d, (h+1)*d)}). A key is visible to a query when its
 * attention-mask entry is 1 and, with {@code causal}, when it is not after the query. Masked keys
 * get probability exactly 0 (not a large negative score), so padded positions cannot change the
 * outputs of real ones. A query with no visible key (possible only with causal attention and
 * left padding) gets an all-zero context. Each example must have at least one real token.
 */
public final class MultiHeadSelfAttention {
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear output;
    private final int hidden;
    private final int heads;
    private final int headDim;
    private final boolean causal;
    private final float scale;

    // Activations of the last forward, kept for backward: q, k, v, ctx [rows, hidden];
    // probs [batch, heads, seq, seq] (softmax rows, 0 at masked keys).
    private float[] q = new float[0];
    private float[] k = new float[0];
    private float[] v = new float[0];
    private float[] ctx = new float[0];
    private float[] probs = new float[0];
    // Backward scratch: dctx, dq, dk, dv [rows, hidden]; per-worker score gradients [workers][seq*seq].
    private float[] dctx = new float[0];
    private float[] dq = new float[0];
    private float[] dk = new float[0];
    private float[] dv = new float[0];
    private final float[][] scratch = new float[WorkerPool.shared().size()][0];

    // Shape and mask of the last forward.
    private int batch;
    private int seq;
    private int[] mask;

    private final WorkerPool.Job forwardBody = this::forwardHead;
    private final WorkerPool.Job backwardBody = this::backwardHead;

    /**
     * @param query projection {@code [hidden, hidden]}, named e.g. {@code ...attention.self.query}
     * @param key projection {@code [hidden, hidden]}
     * @param value projection {@code [hidden, hidden]}
     * @param output projection {@code [hidden, hidden]}, e.g. {@code ...attention.output.dense}
     * @param heads number of heads, dividing hidden
     * @param causal whether a query sees only keys at or before its own position
     */
    public MultiHeadSelfAttention(Linear query, Linear key, Linear value, Linear output, int heads, boolean causal) {
        this.hidden = query.in();
        for (Linear l : new Linear[] {query, key, value, output}) {
            if (l.in() != hidden || l.out() != hidden) {
                throw new IllegalArgumentException("attention projection " + l.weight().name() + " is "
                        + l.out() + " x " + l.in() + ", expected " + hidden + " x " + hidden);
            }
        }
        if (heads < 1 || hidden % heads != 0) {
            throw new IllegalArgumentException("attention: " + heads + " heads do not divide hidden size " + hidden);
        }
        this.query = query;
        this.key = key;
        this.value = value;
        this.output = output;
        this.heads = heads;
        this.headDim = hidden / heads;
        this.causal = causal;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /** Number of heads. */
    public int heads() {
        return heads;
    }

    /** Whether attention is causal. */
    public boolean causal() {
        return causal;
    }

    /**
     * {@code y[batch*seq, hidden] = attention(x)}.
     *
     * @param attentionMask {@code [batch, seq]}, 1 for real tokens and 0 for padding, or null for
     *     all real; kept by reference until the backward pass
     * @throws IllegalArgumentException if a mask entry is not 0 or 1 or an example has no real token
     */
    public void forward(float[] x, float[] y, int batch, int seq, int[] attentionMask) {
        if (attentionMask != null) {
            for (int b = 0; b < batch; b++) {
                int real = 0;
                for (int s = 0; s < seq; s++) {
                    int m = attentionMask[b * seq + s];
                    if (m != 0 && m != 1) {
                        throw new IllegalArgumentException("attention mask entry (" + b + ", " + s + ") is " + m
                                + ", expected 0 or 1");
                    }
                    real += m;
                }
                if (real == 0) {
                    throw new IllegalArgumentException("attention mask of example " + b + " has no real token");
                }
            }
        }
        int rows = batch * seq;
        int n = rows * hidden;
        if (q.length < n) {
            q = new float[n];
            k = new float[n];
            v = new float[n];
            ctx = new float[n];
        }
        int p = batch * heads * seq * seq;
        if (probs.length < p) {
            probs = new float[p];
        }
        this.batch = batch;
        this.seq = seq;
        this.mask = attentionMask;
        Gemm.reserve(seq, seq, seq);
        query.forward(x, q, rows);
        key.forward(x, k, rows);
        value.forward(x, v, rows);
        WorkerPool.shared().run(batch * heads, forwardBody);
        output.forward(ctx, y, rows);
    }

    /**
     * Backward of the last {@link #forward}: adds to the four projections' gradients and writes
     * (or, with {@code accumulate}, adds) {@code dx}. {@code x} is the forward input, unchanged.
     */
    public void backward(float[] x, float[] dy, float[] dx, boolean accumulate) {
        int rows = batch * seq;
        int n = rows * hidden;
        if (dctx.length < n) {
            dctx = new float[n];
            dq = new float[n];
            dk = new float[n];
            dv = new float[n];
        }
        for (int w = 0; w < scratch.length; w++) {
            if (scratch[w].length < seq * seq) {
                scratch[w] = new float[seq * seq];
            }
        }
        Gemm.reserve(seq, seq, seq);
        output.backward(ctx, dy, dctx, rows, false);
        WorkerPool.shared().run(batch * heads, backwardBody);
        query.backward(x, dq, dx, rows, accumulate);
        key.backward(x, dk, dx, rows, true);
        value.backward(x, dv, dx, rows, true);
    }

    private void forwardHead(int task, int worker) {
        int b = task / heads;
        int h = task % heads;
        int base = b * seq * hidden + h * headDim;
        int pBase = task * seq * seq;
        // Scores S = Q_h K_h^T, then a masked, scaled softmax in place, row by row.
        Gemm.gemm(false, true, seq, seq, headDim, q, base, hidden, k, base, hidden, probs, pBase, seq, false);
        int maskBase = b * seq;
        for (int i = 0; i < seq; i++) {
            int row = pBase + i * seq;
            int keys = causal ? i + 1 : seq;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < keys; j++) {
                if (mask == null || mask[maskBase + j] != 0) {
                    max = Math.max(max, probs[row + j]);
                }
            }
            float sum = 0f;
            for (int j = 0; j < keys; j++) {
                float e = mask == null || mask[maskBase + j] != 0 ? (float) Math.exp((probs[row + j] - max) * scale) : 0f;
                probs[row + j] = e;
                sum += e;
            }
            float inv = sum > 0f ? 1f / sum : 0f;
            for (int j = 0; j < keys; j++) {
                probs[row + j] *= inv;
            }
            java.util.Arrays.fill(probs, row + keys, row + seq, 0f);
        }
        // ctx_h = P V_h.
        Gemm.gemm(false, false, seq, headDim, seq, probs, pBase, seq, v, base, hidden, ctx, base, hidden, false);
    }

    private void backwardHead(int task, int worker) {
        int b = task / heads;
        int h = task % heads;
        int base = b * seq * hidden + h * headDim;
        int pBase = task * seq * seq;
        float[] ds = scratch[worker];
        // dV_h = P^T dctx_h; dP = dctx_h V_h^T.
        Gemm.gemm(true, false, seq, headDim, seq, probs, pBase, seq, dctx, base, hidden, dv, base, hidden, false);
        Gemm.gemm(false, true, seq, seq, headDim, dctx, base, hidden, v, base, hidden, ds, 0, seq, false);
        // dScores = P * (dP - rowsum(P * dP)) * scale; zero wherever P is.
        for (int i = 0; i < seq; i++) {
            int row = i * seq;
            int prow = pBase + row;
            float dot = 0f;
            for (int j = 0; j < seq; j++) {
                dot += probs[prow + j] * ds[row + j];
            }
            for (int j = 0; j < seq; j++) {
                ds[row + j] = probs[prow + j] * (ds[row + j] - dot) * scale;
            }
        }
        // dQ_h = dS K_h; dK_h = dS^T Q_h.
        Gemm.gemm(false, false, seq, headDim, seq, ds, 0, seq, k, base, hidden, dq, base, hidden, false);
        Gemm.gemm(true, false, seq, headDim, seq, ds, 0, seq, q, base, hidden, dk, base, hidden, false);
    }
}
