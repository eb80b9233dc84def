package dev.nanoadam.models.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.UnsafeByteOperations;
import dev.nanoadam.models.onnx.proto.Onnx.AttributeProto;
import dev.nanoadam.models.onnx.proto.Onnx.GraphProto;
import dev.nanoadam.models.onnx.proto.Onnx.ModelProto;
import dev.nanoadam.models.onnx.proto.Onnx.NodeProto;
import dev.nanoadam.models.onnx.proto.Onnx.OperatorSetIdProto;
import dev.nanoadam.models.onnx.proto.Onnx.TensorProto;
import dev.nanoadam.models.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model's main graph (nodes, initializers, graph inputs and outputs) through the
 * message classes protoc generates at build time from {@code src/main/proto/onnx.proto}, a subset
 * of the ONNX schema holding only the fields read here: ModelProto {ir_version 1, producer_name 2,
 * producer_version 3, graph 7, opset_import 8}; OperatorSetIdProto {domain 1, version 2};
 * GraphProto {node 1, initializer 5, input 11, output 12}; NodeProto {input 1, output 2, name 3,
 * op_type 4, attribute 5}; AttributeProto {name 1, f 2, i 3, t 5, type 20}; TensorProto {dims 1,
 * data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9 (little-endian),
 * data_location 14}; ValueInfoProto {name 1}. Every other field is skipped by the parser.
 *
 * <p>The file is parsed from one byte array with aliasing on, so each raw_data is a view of that
 * array rather than a copy, and is then copied once into the tensor's {@code float[]} or
 * {@code long[]}. Measured on all-MiniLM-L6-v2 (86.8 MiB file, 2-core AMD EPYC Zen 5, JDK 25,
 * {@code read} plus {@link BertWeights#fromOnnx}, thread CPU time over 3 JVMs x 6 loads), against
 * the hand-written wire decoder this replaced: the same peak heap (287 vs 286 MiB, the file's bytes
 * included) and the same CPU time once warm (66-125 vs 64-121 ms); the first load in a JVM costs
 * 408-465 ms instead of 184-238 ms, loading and initialising the generated classes and protobuf's
 * runtime. That one-off cost of about 0.2 s is no reason to keep a hand decoder.
 *
 * <p>Every fault is an {@link OnnxFormatException} naming the source: a malformed protobuf
 * (truncated file, a length running past its enclosing message, an invalid tag) with protobuf's
 * reason; a field of the schema arriving with another wire type (which protobuf keeps as an
 * unknown field) with the field and the path of messages; and, with the tensor or node named, a
 * tensor whose data does not match its shape, external data, or a missing name or type. Protobuf
 * merges a repeated occurrence of a singular message field (a second graph) into the first, as
 * its encoding rules say.
 */
public final class OnnxReader {
    private final String source;

    private OnnxReader(String source) {
        this.source = source;
    }

    /** Reads the graph of the ONNX file at {@code file}. */
    public static OnnxGraph read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new OnnxFormatException(file + ": " + size + " bytes; files over 2 GiB (external data) are not supported");
        }
        return read(Files.readAllBytes(file), file.toString());
    }

    /** Reads all of {@code stream} (not closed here) as an ONNX file called {@code source} in messages. */
    public static OnnxGraph read(InputStream stream, String source) throws IOException {
        return read(stream.readAllBytes(), source);
    }

    /** Parses {@code bytes} as an ONNX file called {@code source} in messages. */
    public static OnnxGraph read(byte[] bytes, String source) throws OnnxFormatException {
        if (bytes.length == 0) {
            throw new OnnxFormatException(source + ": empty file, not an ONNX model");
        }
        // Aliasing applies only to input protobuf takes as immutable: CodedInputStream.newInstance(bytes)
        // is not, and copies every raw_data (measured: +80 MiB peak heap on all-MiniLM-L6-v2), so the
        // array goes in as a ByteString; nothing writes to it while the parsed messages are alive.
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
        in.enableAliasing(true); // raw_data becomes a view of bytes, not a copy
        in.setSizeLimit(Integer.MAX_VALUE);
        ModelProto model;
        try {
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(source + ": not a readable ONNX protobuf (" + bytes.length + " bytes): "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new OnnxFormatException(source + ": unreadable protobuf: " + e.getMessage(), e);
        }
        return new OnnxReader(source).model(model, bytes.length);
    }

    // ---- ModelProto ---------------------------------------------------------------------------

    private OnnxGraph model(ModelProto model, int fileBytes) throws OnnxFormatException {
        checkWireTypes(model, "ModelProto");
        long opset = -1;
        for (int k = 0; k < model.getOpsetImportCount(); k++) {
            OperatorSetIdProto id = model.getOpsetImport(k);
            checkWireTypes(id, "ModelProto.opset_import[" + k + "]");
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                opset = id.hasVersion() ? id.getVersion() : -1;
            }
        }
        if (!model.hasGraph()) {
            throw new OnnxFormatException(source + ": no graph (ModelProto field 7) in " + fileBytes
                    + " bytes; not an ONNX model, or truncated before the graph");
        }
        long irVersion = model.hasIrVersion() ? model.getIrVersion() : -1;
        if (irVersion < 1) {
            throw new OnnxFormatException(source + ": ir_version missing or invalid (" + irVersion
                    + "); not an ONNX model");
        }
        if (opset < 0) {
            // The exporter writes opset_import after the graph, so its absence is how a file cut
            // just past the graph shows.
            throw new OnnxFormatException(source + ": no opset_import for the default ONNX domain (ModelProto field 8) in "
                    + fileBytes + " bytes; the file is truncated or not an ONNX model");
        }
        String producer = (model.getProducerName() + " " + model.getProducerVersion()).strip();
        return graph(model.getGraph(), irVersion, producer, opset);
    }

    private OnnxGraph graph(GraphProto graph, long irVersion, String producer, long opset) throws OnnxFormatException {
        checkWireTypes(graph, "ModelProto.graph");
        List<OnnxNode> nodes = new ArrayList<>(graph.getNodeCount());
        for (int k = 0; k < graph.getNodeCount(); k++) {
            nodes.add(node(graph.getNode(k), k));
        }
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        for (int k = 0; k < graph.getInitializerCount(); k++) {
            String what = "ModelProto.graph > GraphProto.initializer[" + k + "]";
            OnnxTensor init = tensor(graph.getInitializer(k), what);
            if (init.name().isEmpty()) {
                throw fault(what, "initializer " + k + " has no name");
            }
            if (inits.put(init.name(), init) != null) {
                throw fault(what, "two initializers named '" + init.name() + "'");
            }
        }
        return new OnnxGraph(source, irVersion, producer, opset, List.copyOf(nodes), Collections.unmodifiableMap(inits),
                valueNames(graph.getInputList(), "input"), valueNames(graph.getOutputList(), "output"));
    }

    private List<String> valueNames(List<ValueInfoProto> values, String field) throws OnnxFormatException {
        List<String> names = new ArrayList<>(values.size());
        for (int k = 0; k < values.size(); k++) {
            checkWireTypes(values.get(k), "ModelProto.graph > GraphProto." + field + "[" + k + "]");
            names.add(values.get(k).getName());
        }
        return List.copyOf(names);
    }

    // ---- NodeProto, AttributeProto --------------------------------------------------------------

    private OnnxNode node(NodeProto node, int index) throws OnnxFormatException {
        String what = "ModelProto.graph > GraphProto.node[" + index + "]";
        checkWireTypes(node, what);
        if (node.getOpType().isEmpty()) {
            throw fault(what, "node " + index + " ('" + node.getName() + "') has no op_type");
        }
        Map<String, Float> floats = new HashMap<>();
        Map<String, Long> ints = new HashMap<>();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        for (int k = 0; k < node.getAttributeCount(); k++) {
            AttributeProto attr = node.getAttribute(k);
            String where = what + " '" + node.getName() + "' > NodeProto.attribute[" + k + "]";
            checkWireTypes(attr, where);
            switch (attr.getType()) {
                case AttributeProto.AttributeType.FLOAT_VALUE -> floats.put(attr.getName(), attr.getF());
                case AttributeProto.AttributeType.INT_VALUE -> ints.put(attr.getName(), attr.getI());
                case AttributeProto.AttributeType.TENSOR_VALUE -> {
                    if (!attr.hasT()) {
                        throw fault(where, "TENSOR attribute '" + attr.getName() + "' without a tensor");
                    }
                    tensors.put(attr.getName(), tensor(attr.getT(), where + " > AttributeProto.t"));
                }
                default -> { } // strings, graphs, lists: not needed for weights
            }
        }
        return new OnnxNode(node.getName(), node.getOpType(), node.getInputList(), node.getOutputList(),
                floats, ints, tensors);
    }

    // ---- TensorProto --------------------------------------------------------------------------

    private OnnxTensor tensor(TensorProto t, String what) throws OnnxFormatException {
        String name = t.getName();
        if (t.hasName()) {
            what = what + " '" + name + "'";
        }
        checkWireTypes(t, what);
        long[] dims = new long[t.getDimsCount()];
        for (int k = 0; k < dims.length; k++) {
            dims[k] = t.getDims(k);
            if (dims[k] < 0) {
                throw fault(what, "tensor '" + name + "' has negative dimension " + dims[k]);
            }
        }
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL_VALUE) {
            throw fault(what, "tensor '" + name + "' keeps its data in an external file; only self-contained ONNX files are supported");
        }
        if (t.getDataLocation() != TensorProto.DataLocation.DEFAULT_VALUE) {
            throw fault(what, "tensor '" + name + "' has data_location " + t.getDataLocation()
                    + ", neither DEFAULT (0) nor EXTERNAL (1)");
        }
        int dataType = t.getDataType();
        if (dataType == 0) {
            throw fault(what, "tensor '" + name + "' has no data_type (UNDEFINED)");
        }
        long count;
        try {
            count = OnnxTensor.elementCount(dims);
        } catch (ArithmeticException e) {
            throw new OnnxFormatException(source + ": tensor '" + name + "' has an overflowing shape "
                    + Arrays.toString(dims) + " (reading " + what + ")", e);
        }
        String desc = "tensor '" + name + "' " + OnnxTensor.typeName(dataType) + Arrays.toString(dims);
        int elemBytes = switch (dataType) {
            case OnnxTensor.FLOAT, OnnxTensor.INT32 -> 4;
            case OnnxTensor.INT64 -> 8;
            case OnnxTensor.BOOL -> 1;
            default -> 0;
        };
        if (elemBytes == 0) {
            return new OnnxTensor(name, dataType, dims, null, null); // shape only
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw fault(what, desc + " has " + count + " elements, more than a Java array holds");
        }
        int n = (int) count;
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if ((long) n * elemBytes != raw.size()) {
                throw fault(what, desc + ": raw_data holds " + raw.size() + " bytes, the shape needs " + (long) n * elemBytes);
            }
            ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (dataType == OnnxTensor.FLOAT) {
                float[] v = new float[n];
                buf.asFloatBuffer().get(v);
                return new OnnxTensor(name, dataType, dims, v, null);
            }
            long[] v = new long[n];
            int base = buf.position();
            for (int k = 0; k < n; k++) {
                v[k] = switch (dataType) {
                    case OnnxTensor.INT64 -> buf.getLong(base + 8 * k);
                    case OnnxTensor.INT32 -> buf.getInt(base + 4 * k);
                    default -> buf.get(base + k);
                };
            }
            return new OnnxTensor(name, dataType, dims, null, v);
        }
        if (dataType == OnnxTensor.FLOAT) {
            if (t.getFloatDataCount() != n) {
                throw fault(what, desc + ": float_data holds " + t.getFloatDataCount() + " values, the shape needs " + n
                        + (t.getFloatDataCount() == 0 ? " (no raw_data either)" : ""));
            }
            float[] v = new float[n];
            for (int k = 0; k < n; k++) {
                v[k] = t.getFloatData(k);
            }
            return new OnnxTensor(name, dataType, dims, v, null);
        }
        // ONNX keeps INT64 values in int64_data, and INT32 and BOOL values in int32_data.
        boolean wide = dataType == OnnxTensor.INT64;
        int held = wide ? t.getInt64DataCount() : t.getInt32DataCount();
        if (held != n) {
            throw fault(what, desc + ": " + (wide ? "int64_data" : "int32_data") + " holds " + held
                    + " values, the shape needs " + n + (held == 0 ? " (no raw_data either)" : ""));
        }
        long[] v = new long[n];
        for (int k = 0; k < n; k++) {
            v[k] = wide ? t.getInt64Data(k) : t.getInt32Data(k);
        }
        return new OnnxTensor(name, dataType, dims, null, v);
    }

    // ---- faults -------------------------------------------------------------------------------

    /**
     * A field the schema declares but that arrived with another wire type lands among protobuf's
     * unknown fields; finding one there means the bytes are not what they claim to be.
     */
    private void checkWireTypes(Message message, String what) throws OnnxFormatException {
        UnknownFieldSet unknown = message.getUnknownFields();
        if (unknown.asMap().isEmpty()) {
            return;
        }
        for (Map.Entry<Integer, UnknownFieldSet.Field> e : unknown.asMap().entrySet()) {
            FieldDescriptor field = message.getDescriptorForType().findFieldByNumber(e.getKey());
            if (field != null) {
                throw fault(what, "field " + field.getName() + " (number " + field.getNumber() + ") has wire type "
                        + wireType(e.getValue()) + ", expected " + field.getLiteType().getWireType() + "; corrupted file");
            }
        }
    }

    private static int wireType(UnknownFieldSet.Field f) {
        if (!f.getVarintList().isEmpty()) {
            return 0;
        }
        if (!f.getFixed64List().isEmpty()) {
            return 1;
        }
        if (!f.getLengthDelimitedList().isEmpty()) {
            return 2;
        }
        if (!f.getGroupList().isEmpty()) {
            return 3;
        }
        return 5;
    }

    private OnnxFormatException fault(String what, String problem) {
        return new OnnxFormatException(source + ": " + problem + " (reading " + what + ")");
    }
}
