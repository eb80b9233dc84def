package dev.nanoadam.models.onnx;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a BERT encoder exported to ONNX, keyed by Hugging Face / PyTorch parameter names
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.3.attention.self.query.weight},
 * ...) in PyTorch's layouts: a Linear weight is [out, in], an embedding [rows, hidden].
 *
 * <p>How names are recovered: the PyTorch exporter keeps the names of embeddings, biases and
 * LayerNorm parameters, but folds each Linear weight into an anonymous transposed constant
 * ({@code onnx::MatMul_885}, stored [in, out]) feeding a {@code MatMul}. The {@code Add} that
 * consumes that MatMul's output has the named bias {@code X.bias}; so the matrix is
 * {@code X.weight}, transposed here to [out, in]. A {@code Gemm} (the pooler) keeps its named
 * weight and is transposed only when {@code transB == 0}.
 *
 * <p>The architecture numbers that are not in any weight shape are read from the graph too:
 * the head count from the shape the query projection is reshaped to ([batch, seq, heads,
 * headDim]), and LayerNorm's epsilon from the constant added to the variance in the decomposed
 * LayerNorm (ReduceMean, Sub, Pow, ReduceMean, Add eps, Sqrt, Div, Mul weight, Add bias) or from
 * a fused {@code LayerNormalization}'s {@code epsilon} attribute.
 */
public final class BertWeights {

    /**
     * Architecture numbers of the encoder.
     *
     * @param vocabSize        rows of the word embedding
     * @param hiddenSize       model width
     * @param numLayers        encoder layers
     * @param numHeads         attention heads per layer
     * @param intermediateSize feed-forward width
     * @param maxPositions     rows of the position embedding
     * @param typeVocabSize    rows of the token-type embedding
     * @param layerNormEps     epsilon added to the variance in every LayerNorm
     */
    public record Config(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, float layerNormEps) {
        /** Width of one attention head. */
        public int headSize() {
            return hiddenSize / numHeads;
        }
    }

    private final String source;
    private final Config config;
    private final Map<String, float[]> tensors; // name -> row-major values, in expectedNames order
    private final Map<String, int[]> shapes;    // name -> PyTorch shape

    private BertWeights(String source, Config config, Map<String, float[]> tensors, Map<String, int[]> shapes) {
        this.source = source;
        this.config = config;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.shapes = Collections.unmodifiableMap(shapes);
    }

    /**
     * The Hugging Face names of a BERT encoder with {@code numLayers} layers, in module order:
     * the five embedding tensors, then per layer query, key, value, attention output dense,
     * attention LayerNorm, intermediate dense, output dense, output LayerNorm (weight then bias).
     * The pooler is not part of the encoder and not listed.
     */
    public static List<String> expectedNames(int numLayers) {
        List<String> names = new ArrayList<>(List.of(
                "embeddings.word_embeddings.weight",
                "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight",
                "embeddings.LayerNorm.weight",
                "embeddings.LayerNorm.bias"));
        String[] perLayer = {
                "attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "attention.output.LayerNorm",
                "intermediate.dense", "output.dense", "output.LayerNorm"};
        for (int l = 0; l < numLayers; l++) {
            for (String module : perLayer) {
                names.add("encoder.layer." + l + "." + module + ".weight");
                names.add("encoder.layer." + l + "." + module + ".bias");
            }
        }
        return names;
    }

    /**
     * Names and lays out the weights of {@code graph}. Fails, naming the file, when an anonymous
     * matrix cannot be named, when expected tensors are missing (all of them listed), when a shape
     * disagrees with the architecture, or when a value is not finite.
     */
    public static BertWeights fromOnnx(OnnxGraph graph) throws OnnxFormatException {
        String src = graph.source();
        Map<String, List<OnnxNode>> consumers = new HashMap<>();
        Map<String, OnnxNode> producers = new HashMap<>();
        for (OnnxNode n : graph.nodes()) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            for (String out : n.outputs()) {
                producers.put(out, n);
            }
        }

        // Named FLOAT tensors in PyTorch layout: values and shapes.
        Map<String, float[]> named = new HashMap<>();
        Map<String, int[]> namedShapes = new HashMap<>();
        Map<String, String> renamedFrom = new HashMap<>(); // PyTorch name -> ONNX initializer name
        for (OnnxNode n : graph.nodes()) {
            boolean matMul = n.opType().equals("MatMul");
            boolean gemm = n.opType().equals("Gemm");
            if (!(matMul || gemm) || n.inputs().size() < 2) {
                continue;
            }
            OnnxTensor w = graph.initializers().get(n.inputs().get(1));
            if (w == null) {
                continue; // activation x activation (attention scores)
            }
            if (w.rank() != 2 || w.dataType() != OnnxTensor.FLOAT) {
                throw new OnnxFormatException(src + ": " + n.opType() + " node '" + n.name() + "' multiplies by '" + w.name()
                        + "', " + w + ", expected a FLOAT matrix");
            }
            String name;
            boolean transpose;
            if (gemm) {
                long transB = n.intAttrs().getOrDefault("transB", 0L);
                transpose = transB == 0;
                name = w.name().endsWith(".weight") ? w.name() : biasPrefix(src, n, n.outputs().get(0), consumers, graph, n.inputs().size() > 2 ? n.inputs().get(2) : null) + ".weight";
            } else {
                transpose = true; // MatMul computes x @ B with B = W^T, [in, out]
                name = biasPrefix(src, n, n.outputs().get(0), consumers, graph, null) + ".weight";
            }
            String previous = renamedFrom.put(name, w.name());
            if (previous != null) {
                throw new OnnxFormatException(src + ": both '" + previous + "' and '" + w.name() + "' map to " + name);
            }
            int rows = Math.toIntExact(w.dim(0));
            int cols = Math.toIntExact(w.dim(1));
            if (transpose) {
                named.put(name, transpose(w.floats(), rows, cols));
                namedShapes.put(name, new int[] {cols, rows});
            } else {
                named.put(name, w.floats());
                namedShapes.put(name, new int[] {rows, cols});
            }
        }
        for (OnnxTensor t : graph.initializers().values()) {
            if (t.dataType() != OnnxTensor.FLOAT || named.containsKey(t.name()) || renamedFrom.containsValue(t.name())) {
                continue;
            }
            int[] shape = new int[t.rank()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = Math.toIntExact(t.dim(i));
            }
            named.put(t.name(), t.floats());
            namedShapes.put(t.name(), shape);
        }

        int numLayers = 0;
        while (named.containsKey("encoder.layer." + numLayers + ".attention.self.query.bias")) {
            numLayers++;
        }
        if (numLayers == 0) {
            throw new OnnxFormatException(src + ": no 'encoder.layer.0.attention.self.query.bias' initializer; "
                    + "not a BERT encoder exported with Hugging Face names (initializers: "
                    + preview(graph.initializers().keySet()) + ")");
        }
        List<String> expected = expectedNames(numLayers);
        List<String> missing = new ArrayList<>();
        for (String name : expected) {
            if (!named.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new OnnxFormatException(src + ": " + missing.size() + " expected BERT tensor(s) missing: " + missing);
        }

        int[] word = namedShapes.get("embeddings.word_embeddings.weight");
        int[] ffn = namedShapes.get("encoder.layer.0.intermediate.dense.weight");
        int hidden = word.length == 2 ? word[1] : -1;
        int numHeads = headCount(src, graph, consumers, producers, hidden);
        Config config = new Config(word[0], hidden, numLayers, numHeads, ffn[0],
                namedShapes.get("embeddings.position_embeddings.weight")[0],
                namedShapes.get("embeddings.token_type_embeddings.weight")[0],
                layerNormEps(src, graph, expected, consumers, producers));

        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String name : expected) {
            int[] want = expectedShape(config, name);
            int[] got = namedShapes.get(name);
            if (!Arrays.equals(want, got)) {
                String from = renamedFrom.containsKey(name) ? " (from '" + renamedFrom.get(name) + "')" : "";
                throw new OnnxFormatException(src + ": " + name + from + " has shape " + Arrays.toString(got)
                        + ", the architecture " + config + " needs " + Arrays.toString(want));
            }
            float[] v = named.get(name);
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new OnnxFormatException(src + ": " + name + " holds " + v[i] + " at flat index " + i + "; corrupted weights");
                }
            }
            tensors.put(name, v);
            shapes.put(name, got);
        }
        for (String pooler : List.of("pooler.dense.weight", "pooler.dense.bias")) {
            if (named.containsKey(pooler)) {
                tensors.put(pooler, named.get(pooler));
                shapes.put(pooler, namedShapes.get(pooler));
            }
        }
        return new BertWeights(src, config, tensors, shapes);
    }

    /** The shape {@code name} must have under {@code c}, in PyTorch layout. */
    private static int[] expectedShape(Config c, String name) {
        if (name.equals("embeddings.word_embeddings.weight")) {
            return new int[] {c.vocabSize(), c.hiddenSize()};
        }
        if (name.equals("embeddings.position_embeddings.weight")) {
            return new int[] {c.maxPositions(), c.hiddenSize()};
        }
        if (name.equals("embeddings.token_type_embeddings.weight")) {
            return new int[] {c.typeVocabSize(), c.hiddenSize()};
        }
        boolean weight = name.endsWith(".weight");
        if (name.contains("LayerNorm")) {
            return new int[] {c.hiddenSize()};
        }
        if (name.contains(".intermediate.dense.")) {
            return weight ? new int[] {c.intermediateSize(), c.hiddenSize()} : new int[] {c.intermediateSize()};
        }
        if (name.contains(".output.dense.") && !name.contains(".attention.")) {
            return weight ? new int[] {c.hiddenSize(), c.intermediateSize()} : new int[] {c.hiddenSize()};
        }
        return weight ? new int[] {c.hiddenSize(), c.hiddenSize()} : new int[] {c.hiddenSize()};
    }

    /** The "X" of the named bias "X.bias" added to {@code output}, or of the Gemm's own bias input. */
    private static String biasPrefix(String src, OnnxNode node, String output, Map<String, List<OnnxNode>> consumers,
                                     OnnxGraph graph, String gemmBias) throws OnnxFormatException {
        if (gemmBias != null && gemmBias.endsWith(".bias") && graph.initializers().containsKey(gemmBias)) {
            return gemmBias.substring(0, gemmBias.length() - ".bias".length());
        }
        for (OnnxNode c : consumers.getOrDefault(output, List.of())) {
            if (!c.opType().equals("Add")) {
                continue;
            }
            for (String in : c.inputs()) {
                if (!in.equals(output) && in.endsWith(".bias") && graph.initializers().containsKey(in)) {
                    return in.substring(0, in.length() - ".bias".length());
                }
            }
        }
        throw new OnnxFormatException(src + ": cannot name weight '" + node.inputs().get(1) + "' of " + node.opType()
                + " node '" + node.name() + "': no Add consuming its output '" + output + "' has a named '*.bias' initializer");
    }

    /** Heads: the third entry of the [batch, seq, heads, headDim] shape the query is reshaped to. */
    private static int headCount(String src, OnnxGraph graph, Map<String, List<OnnxNode>> consumers,
                                 Map<String, OnnxNode> producers, int hidden) throws OnnxFormatException {
        String bias = "encoder.layer.0.attention.self.query.bias";
        for (OnnxNode add : consumers.getOrDefault(bias, List.of())) {
            for (OnnxNode reshape : consumers.getOrDefault(add.outputs().get(0), List.of())) {
                if (!reshape.opType().equals("Reshape") || reshape.inputs().size() < 2) {
                    continue;
                }
                long[] shape = constantInts(graph, producers, reshape.inputs().get(1));
                if (shape != null && shape.length == 4 && shape[2] > 0 && shape[2] * shape[3] == hidden) {
                    return (int) shape[2];
                }
            }
        }
        throw new OnnxFormatException(src + ": cannot find the attention head count: no Reshape of the layer-0 query "
                + "projection to a constant [batch, seq, heads, headDim] shape with heads * headDim = " + hidden);
    }

    /** The int values of {@code value} when it is a constant, or a Concat of constants (unknown entries -1). */
    private static long[] constantInts(OnnxGraph graph, Map<String, OnnxNode> producers, String value) {
        OnnxTensor init = graph.initializers().get(value);
        if (init != null && init.dataType() == OnnxTensor.INT64) {
            return init.longs();
        }
        OnnxNode p = producers.get(value);
        if (p == null) {
            return null;
        }
        if (p.opType().equals("Constant") && p.tensorAttrs().containsKey("value")
                && p.tensorAttrs().get("value").dataType() == OnnxTensor.INT64) {
            return p.tensorAttrs().get("value").longs();
        }
        if (!p.opType().equals("Concat")) {
            return null;
        }
        long[] out = new long[0];
        for (String in : p.inputs()) {
            long[] part = constantInts(graph, producers, in);
            if (part == null) {
                part = new long[] {-1}; // a runtime dimension (batch, sequence)
            }
            long[] joined = Arrays.copyOf(out, out.length + part.length);
            System.arraycopy(part, 0, joined, out.length, part.length);
            out = joined;
        }
        return out;
    }

    /** The one epsilon every LayerNorm of the encoder uses; an error if they differ or none is found. */
    private static float layerNormEps(String src, OnnxGraph graph, List<String> names, Map<String, List<OnnxNode>> consumers,
                                      Map<String, OnnxNode> producers) throws OnnxFormatException {
        float eps = Float.NaN;
        for (String name : names) {
            if (!name.contains("LayerNorm.weight")) {
                continue;
            }
            float e = layerNormEpsOf(graph, name, consumers, producers);
            if (Float.isNaN(e)) {
                throw new OnnxFormatException(src + ": cannot find the epsilon of the LayerNorm scaled by '" + name
                        + "' (expected Mul <- Div <- Sqrt <- Add(variance, eps), or LayerNormalization)");
            }
            if (!Float.isNaN(eps) && e != eps) {
                throw new OnnxFormatException(src + ": LayerNorm epsilons differ: " + eps + " and " + e + " (" + name + ")");
            }
            eps = e;
        }
        return eps;
    }

    private static float layerNormEpsOf(OnnxGraph graph, String weight, Map<String, List<OnnxNode>> consumers,
                                        Map<String, OnnxNode> producers) {
        for (OnnxNode n : consumers.getOrDefault(weight, List.of())) {
            if (n.opType().equals("LayerNormalization")) {
                return n.floatAttrs().getOrDefault("epsilon", 1e-5f); // ONNX's default
            }
            if (!n.opType().equals("Mul")) {
                continue;
            }
            for (String in : n.inputs()) {
                OnnxNode div = producers.get(in);
                if (div == null || !div.opType().equals("Div") || div.inputs().size() != 2) {
                    continue;
                }
                OnnxNode sqrt = producers.get(div.inputs().get(1));
                if (sqrt == null || !sqrt.opType().equals("Sqrt")) {
                    continue;
                }
                OnnxNode add = producers.get(sqrt.inputs().get(0));
                if (add == null || !add.opType().equals("Add")) {
                    continue;
                }
                for (String addIn : add.inputs()) {
                    float[] c = constantFloats(graph, producers, addIn);
                    if (c != null && c.length == 1) {
                        return c[0];
                    }
                }
            }
        }
        return Float.NaN;
    }

    private static float[] constantFloats(OnnxGraph graph, Map<String, OnnxNode> producers, String value) {
        OnnxTensor init = graph.initializers().get(value);
        if (init != null && init.dataType() == OnnxTensor.FLOAT) {
            return init.floats();
        }
        OnnxNode p = producers.get(value);
        if (p != null && p.opType().equals("Constant") && p.tensorAttrs().containsKey("value")
                && p.tensorAttrs().get("value").dataType() == OnnxTensor.FLOAT) {
            return p.tensorAttrs().get("value").floats();
        }
        return null;
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    private static String preview(java.util.Collection<String> names) {
        List<String> first = new ArrayList<>(names).subList(0, Math.min(8, names.size()));
        return first + (names.size() > 8 ? " and " + (names.size() - 8) + " more" : "");
    }

    /** The file or resource these weights were read from. */
    public String source() {
        return source;
    }

    /** Architecture numbers read from the weights and the graph. */
    public Config config() {
        return config;
    }

    /**
     * Every tensor, name to row-major values in PyTorch layout, in {@link #expectedNames} order,
     * followed by {@code pooler.dense.weight} / {@code .bias} when the file has them. The arrays
     * are live; copy them before changing them.
     */
    public Map<String, float[]> tensors() {
        return tensors;
    }

    /** Name to PyTorch shape (a Linear weight is [out, in]), in the same order as {@link #tensors()}. */
    public Map<String, int[]> shapes() {
        return shapes;
    }

    /** The values of {@code name}; an error listing what exists when there is no such tensor. */
    public float[] get(String name) {
        float[] v = tensors.get(name);
        if (v == null) {
            throw new IllegalArgumentException(source + ": no tensor named '" + name + "'; have " + preview(tensors.keySet()));
        }
        return v;
    }

    /**
     * The {@link Transformer} architecture of these weights with a head of {@code numClasses}
     * classes (bidirectional attention, BERT's initializer range 0.02 for the head).
     */
    public Transformer.Config transformerConfig(int numClasses) {
        return new Transformer.Config(config.vocabSize(), config.hiddenSize(), config.numLayers(), config.numHeads(),
                config.intermediateSize(), config.maxPositions(), config.typeVocabSize(), config.layerNormEps(),
                numClasses, false, 0.02f);
    }

    /**
     * Copies every encoder tensor into the parameter of {@code model} with the same Hugging Face
     * name (a Linear weight is [out, in] on both sides, so no transposition). The pooler, which
     * the transformer does not have, is skipped; the classification head is left as it is.
     *
     * @throws IllegalArgumentException listing every encoder tensor the model lacks, every model
     *     parameter outside the head that these weights do not cover, or a shape that differs
     */
    public void loadInto(Transformer model) {
        Map<String, Parameter> params = model.namedParameters();
        List<String> missing = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (!name.startsWith("pooler.") && !params.containsKey(name)) {
                missing.add(name);
            }
        }
        List<String> uncovered = new ArrayList<>();
        for (String name : params.keySet()) {
            if (!name.startsWith("classifier.") && !tensors.containsKey(name)) {
                uncovered.add(name);
            }
        }
        if (!missing.isEmpty() || !uncovered.isEmpty()) {
            throw new IllegalArgumentException(source + ": weights and transformer differ: tensors without a parameter "
                    + missing + ", parameters without a tensor " + uncovered);
        }
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            Parameter p = params.get(e.getKey());
            if (p == null) {
                continue; // pooler
            }
            if (!Arrays.equals(p.shape(), shapes.get(e.getKey()))) {
                throw new IllegalArgumentException(source + ": " + e.getKey() + " has shape "
                        + Arrays.toString(shapes.get(e.getKey())) + ", the transformer's parameter " + Arrays.toString(p.shape()));
            }
            System.arraycopy(e.getValue(), 0, p.data(), 0, e.getValue().length);
        }
    }

    /** The PyTorch shape of {@code name}, a copy. */
    public int[] shape(String name) {
        get(name);
        return shapes.get(name).clone();
    }
}
