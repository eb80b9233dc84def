package dev.nanoadam.models.oracle;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nanoadam.models.onnx.MiniLmL6V2;
import dev.nanoadam.models.text.BatchEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * ONNX Runtime running the original all-MiniLM-L6-v2 ONNX graph, as the outside reference for
 * the encoder's last hidden state (graph output {@code output_0}, before any pooling).
 * Token-type ids are all zero. Runs on the CPU with at most two intra-op threads.
 *
 * <pre>{@code
 * try (MiniLmOracle oracle = MiniLmOracle.open()) {
 *     BatchEncoding enc = MiniLmL6V2.loadTokenizer().encodeBatch(texts, 128);
 *     float[] h = oracle.lastHiddenState(enc); // [batch, seqLen, 384] row-major
 * }
 * }</pre>
 */
public final class MiniLmOracle implements AutoCloseable {
    /** Width of the hidden state. */
    public static final int HIDDEN = 384;
    /** Name of the last-hidden-state output in the ONNX graph. */
    public static final String OUTPUT = "output_0";

    private final OrtEnvironment env;
    private final OrtSession session;

    private MiniLmOracle(OrtEnvironment env, OrtSession session) {
        this.env = env;
        this.session = session;
    }

    /** Loads the model from the classpath (see {@link MiniLmL6V2}) into an ONNX Runtime session. */
    public static MiniLmOracle open() throws IOException, OrtException {
        byte[] model;
        try (InputStream in = MiniLmL6V2.openModel()) {
            model = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(2);
            opts.setInterOpNumThreads(1);
            return new MiniLmOracle(env, env.createSession(model, opts));
        }
    }

    /**
     * Last hidden states, [batch, seqLen, 384] row-major, for ids and mask given row-major
     * [batch, seqLen] (mask 1 for tokens, 0 for padding).
     */
    public float[] lastHiddenState(int batch, int seqLen, int[] inputIds, int[] attentionMask) throws OrtException {
        int n = Math.multiplyExact(batch, seqLen);
        if (inputIds.length != n || attentionMask.length != n) {
            throw new IllegalArgumentException("ids " + inputIds.length + " and mask " + attentionMask.length
                    + " values for [" + batch + ", " + seqLen + "]");
        }
        long[] shape = {batch, seqLen};
        try (ai.onnxruntime.OnnxTensor ids = ai.onnxruntime.OnnxTensor.createTensor(env, LongBuffer.wrap(widen(inputIds)), shape);
             ai.onnxruntime.OnnxTensor mask = ai.onnxruntime.OnnxTensor.createTensor(env, LongBuffer.wrap(widen(attentionMask)), shape);
             ai.onnxruntime.OnnxTensor types = ai.onnxruntime.OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape);
             OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types),
                     java.util.Set.of(OUTPUT))) {
            float[][][] h = (float[][][]) result.get(OUTPUT).orElseThrow().getValue();
            float[] flat = new float[n * HIDDEN];
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < seqLen; s++) {
                    System.arraycopy(h[b][s], 0, flat, (b * seqLen + s) * HIDDEN, HIDDEN);
                }
            }
            return flat;
        }
    }

    /** Last hidden states for a tokenizer batch, [batch, seqLen, 384] row-major. */
    public float[] lastHiddenState(BatchEncoding enc) throws OrtException {
        return lastHiddenState(enc.batchSize(), enc.seqLen(), enc.inputIds(), enc.attentionMask());
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    private static long[] widen(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
