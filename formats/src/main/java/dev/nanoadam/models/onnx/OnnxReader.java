package dev.nanoadam.models.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model's main graph (nodes, initializers, graph inputs and outputs) straight from
 * the protobuf wire format with {@link CodedInputStream}, without generated message classes.
 * Only the fields weight import needs are decoded; every other field is skipped by wire type.
 *
 * <p>Field numbers follow onnx.proto: ModelProto {ir_version 1, producer_name 2,
 * producer_version 3, graph 7, opset_import 8}; OperatorSetIdProto {domain 1, version 2};
 * GraphProto {node 1, initializer 5, input 11, output 12};
 * NodeProto {input 1, output 2, name 3, op_type 4, attribute 5}; AttributeProto {name 1, f 2,
 * i 3, t 5, type 20}; TensorProto {dims 1, data_type 2, float_data 4, int32_data 5,
 * int64_data 7, name 8, raw_data 9 (little-endian), data_location 14}; ValueInfoProto {name 1}.
 *
 * <p>Every fault (truncated file, a length running past its enclosing message, a wrong wire type,
 * a tensor whose data does not match its shape, external data) is an {@link OnnxFormatException}
 * naming the source, the byte offset and the path of messages being read.
 */
public final class OnnxReader {
    private static final int TENSOR_EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL
    private static final int ATTR_FLOAT = 1;      // AttributeProto.AttributeType
    private static final int ATTR_INT = 2;
    private static final int ATTR_TENSOR = 4;

    private final byte[] bytes;
    private final String source;
    private final CodedInputStream in;
    private final ArrayDeque<String> path = new ArrayDeque<>(); // innermost message first

    private OnnxReader(byte[] bytes, String source) {
        this.bytes = bytes;
        this.source = source;
        this.in = CodedInputStream.newInstance(bytes);
        this.in.setSizeLimit(Integer.MAX_VALUE);
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
        OnnxReader r = new OnnxReader(bytes, source);
        try {
            return r.model();
        } catch (InvalidProtocolBufferException e) {
            throw r.fault("corrupted or truncated protobuf (" + e.getMessage() + ")", e);
        } catch (OnnxFormatException e) {
            throw e;
        } catch (IOException e) {
            throw r.fault("unreadable protobuf (" + e.getMessage() + ")", e);
        }
    }

    // ---- ModelProto ---------------------------------------------------------------------------

    private OnnxGraph model() throws IOException {
        if (bytes.length == 0) {
            throw new OnnxFormatException(source + ": empty file, not an ONNX model");
        }
        long irVersion = -1;
        String producerName = "";
        String producerVersion = "";
        OnnxGraph graph = null;
        long opset = -1;
        path.push("ModelProto");
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> irVersion = varint(tag, "ir_version");
                case 2 -> producerName = string(tag, "producer_name");
                case 3 -> producerVersion = string(tag, "producer_version");
                case 7 -> {
                    if (graph != null) {
                        throw fault("a second graph field", null);
                    }
                    graph = graph(tag, irVersion, (producerName + " " + producerVersion).strip());
                }
                case 8 -> {
                    long[] domainVersion = opsetImport(tag);
                    if (domainVersion[0] == 1) {
                        opset = domainVersion[1];
                    }
                }
                default -> skip(tag);
            }
        }
        path.pop();
        if (graph == null) {
            throw new OnnxFormatException(source + ": no graph (ModelProto field 7) in " + bytes.length
                    + " bytes; not an ONNX model, or truncated before the graph");
        }
        if (irVersion < 1) {
            throw new OnnxFormatException(source + ": ir_version missing or invalid (" + irVersion
                    + "); not an ONNX model");
        }
        if (opset < 0) {
            // The exporter writes opset_import after the graph, so its absence is how a file cut
            // just past the graph shows.
            throw new OnnxFormatException(source + ": no opset_import for the default ONNX domain (ModelProto field 8) in "
                    + bytes.length + " bytes; the file is truncated or not an ONNX model");
        }
        // ir_version, producer and opset may follow the graph on the wire; rebuild with the final values.
        return new OnnxGraph(source, irVersion, (producerName + " " + producerVersion).strip(), opset, graph.nodes(),
                graph.initializers(), graph.inputs(), graph.outputs());
    }

    /** OperatorSetIdProto {domain 1, version 2}: returns {1 if the domain is the default "" or "ai.onnx", version}. */
    private long[] opsetImport(int tag) throws IOException {
        String domain = "";
        long version = -1;
        int limit = enter(tag, "ModelProto.opset_import");
        while (!in.isAtEnd()) {
            int t = in.readTag();
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> domain = string(t, "domain");
                case 2 -> version = varint(t, "version");
                default -> skip(t);
            }
        }
        leave(limit);
        boolean main = domain.isEmpty() || domain.equals("ai.onnx");
        return new long[] {main ? 1 : 0, version};
    }

    private OnnxGraph graph(int tag, long irVersion, String producer) throws IOException {
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        int limit = enter(tag, "ModelProto.graph");
        while (!in.isAtEnd()) {
            int t = in.readTag();
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> nodes.add(node(t, nodes.size()));
                case 5 -> {
                    OnnxTensor init = tensor(t, "GraphProto.initializer[" + inits.size() + "]");
                    if (init.name().isEmpty()) {
                        throw fault("initializer " + inits.size() + " has no name", null);
                    }
                    if (inits.put(init.name(), init) != null) {
                        throw fault("two initializers named '" + init.name() + "'", null);
                    }
                }
                case 11 -> inputs.add(valueInfoName(t, "GraphProto.input[" + inputs.size() + "]"));
                case 12 -> outputs.add(valueInfoName(t, "GraphProto.output[" + outputs.size() + "]"));
                default -> skip(t);
            }
        }
        leave(limit);
        return new OnnxGraph(source, irVersion, producer, -1, List.copyOf(nodes),
                java.util.Collections.unmodifiableMap(inits), List.copyOf(inputs), List.copyOf(outputs));
    }

    private String valueInfoName(int tag, String what) throws IOException {
        String name = "";
        int limit = enter(tag, what);
        while (!in.isAtEnd()) {
            int t = in.readTag();
            if (WireFormat.getTagFieldNumber(t) == 1) {
                name = string(t, "name");
            } else {
                skip(t);
            }
        }
        leave(limit);
        return name;
    }

    // ---- NodeProto, AttributeProto --------------------------------------------------------------

    private OnnxNode node(int tag, int index) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        Map<String, Float> floats = new HashMap<>();
        Map<String, Long> ints = new HashMap<>();
        Map<String, OnnxTensor> tensors = new HashMap<>();
        int limit = enter(tag, "GraphProto.node[" + index + "]");
        while (!in.isAtEnd()) {
            int t = in.readTag();
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> inputs.add(string(t, "input"));
                case 2 -> outputs.add(string(t, "output"));
                case 3 -> name = string(t, "name");
                case 4 -> opType = string(t, "op_type");
                case 5 -> attribute(t, floats, ints, tensors);
                default -> skip(t);
            }
        }
        leave(limit);
        if (opType.isEmpty()) {
            throw fault("node " + index + " ('" + name + "') has no op_type", null);
        }
        return new OnnxNode(name, opType, inputs, outputs, floats, ints, tensors);
    }

    private void attribute(int tag, Map<String, Float> floats, Map<String, Long> ints,
                           Map<String, OnnxTensor> tensors) throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        OnnxTensor tensor = null;
        int limit = enter(tag, "NodeProto.attribute");
        while (!in.isAtEnd()) {
            int t = in.readTag();
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> name = string(t, "name");
                case 2 -> {
                    expectWire(t, WireFormat.WIRETYPE_FIXED32, "f");
                    f = in.readFloat();
                }
                case 3 -> i = varint(t, "i");
                case 5 -> tensor = tensor(t, "AttributeProto.t");
                case 20 -> type = (int) varint(t, "type");
                default -> skip(t);
            }
        }
        leave(limit);
        switch (type) {
            case ATTR_FLOAT -> floats.put(name, f);
            case ATTR_INT -> ints.put(name, i);
            case ATTR_TENSOR -> {
                if (tensor == null) {
                    throw fault("TENSOR attribute '" + name + "' without a tensor", null);
                }
                tensors.put(name, tensor);
            }
            default -> { } // strings, graphs, lists: not needed for weights
        }
    }

    // ---- TensorProto --------------------------------------------------------------------------

    private OnnxTensor tensor(int tag, String what) throws IOException {
        List<Long> dimList = new ArrayList<>();
        int dataType = 0;
        String name = "";
        int rawOffset = -1;
        int rawLength = 0;
        int location = 0;
        FloatList floatData = new FloatList();
        LongList intData = new LongList();
        int limit = enter(tag, what);
        while (!in.isAtEnd()) {
            int t = in.readTag();
            switch (WireFormat.getTagFieldNumber(t)) {
                case 1 -> readVarints(t, "dims", dimList);
                case 2 -> dataType = (int) varint(t, "data_type");
                case 4 -> readFloats(t, floatData);
                case 5, 7 -> readVarints(t, WireFormat.getTagFieldNumber(t) == 5 ? "int32_data" : "int64_data", intData);
                case 8 -> {
                    name = string(t, "name");
                    path.pop();
                    path.push(what + " '" + name + "'");
                }
                case 9 -> {
                    expectWire(t, WireFormat.WIRETYPE_LENGTH_DELIMITED, "raw_data");
                    rawLength = length("raw_data");
                    rawOffset = in.getTotalBytesRead();
                    in.skipRawBytes(rawLength);
                }
                case 14 -> location = (int) varint(t, "data_location");
                default -> skip(t);
            }
        }
        long[] dims = new long[dimList.size()];
        for (int k = 0; k < dims.length; k++) {
            dims[k] = dimList.get(k);
            if (dims[k] < 0) {
                throw fault("tensor '" + name + "' has negative dimension " + dims[k], null);
            }
        }
        if (location == TENSOR_EXTERNAL) {
            throw fault("tensor '" + name + "' keeps its data in an external file; only self-contained ONNX files are supported", null);
        }
        OnnxTensor result = decode(name, dataType, dims, rawOffset, rawLength, floatData, intData);
        leave(limit);
        return result;
    }

    private OnnxTensor decode(String name, int dataType, long[] dims, int rawOffset, int rawLength,
                              FloatList floatData, LongList intData) throws OnnxFormatException {
        long count;
        try {
            count = OnnxTensor.elementCount(dims);
        } catch (ArithmeticException e) {
            throw fault("tensor '" + name + "' has an overflowing shape " + java.util.Arrays.toString(dims), e);
        }
        String desc = "tensor '" + name + "' " + OnnxTensor.typeName(dataType) + java.util.Arrays.toString(dims);
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
            throw fault(desc + " has " + count + " elements, more than a Java array holds", null);
        }
        int n = (int) count;
        if (rawOffset >= 0) {
            if ((long) n * elemBytes != rawLength) {
                throw fault(desc + ": raw_data holds " + rawLength + " bytes, the shape needs " + (long) n * elemBytes, null);
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes, rawOffset, rawLength).slice().order(ByteOrder.LITTLE_ENDIAN);
            if (dataType == OnnxTensor.FLOAT) {
                float[] v = new float[n];
                buf.asFloatBuffer().get(v);
                return new OnnxTensor(name, dataType, dims, v, null);
            }
            long[] v = new long[n];
            for (int k = 0; k < n; k++) {
                v[k] = switch (dataType) {
                    case OnnxTensor.INT64 -> buf.getLong(8 * k);
                    case OnnxTensor.INT32 -> buf.getInt(4 * k);
                    default -> buf.get(k);
                };
            }
            return new OnnxTensor(name, dataType, dims, null, v);
        }
        if (dataType == OnnxTensor.FLOAT) {
            if (floatData.size != n) {
                throw fault(desc + ": float_data holds " + floatData.size + " values, the shape needs " + n
                        + (floatData.size == 0 ? " (no raw_data either)" : ""), null);
            }
            return new OnnxTensor(name, dataType, dims, floatData.toArray(), null);
        }
        if (intData.size != n) {
            throw fault(desc + ": integer data holds " + intData.size + " values, the shape needs " + n
                    + (intData.size == 0 ? " (no raw_data either)" : ""), null);
        }
        return new OnnxTensor(name, dataType, dims, null, intData.toArray());
    }

    // ---- wire helpers -------------------------------------------------------------------------

    /** Reads a length prefix, checks it fits in the enclosing message and the file, and enters it. */
    private int enter(int tag, String what) throws IOException {
        expectWire(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        int len = length(what);
        path.push(what);
        return in.pushLimit(len);
    }

    private void leave(int oldLimit) {
        in.popLimit(oldLimit);
        path.pop();
    }

    private int length(String what) throws IOException {
        int len = in.readRawVarint32();
        int pos = in.getTotalBytesRead();
        if (len < 0) {
            throw fault(what + " declares a negative length " + len, null);
        }
        if ((long) pos + len > bytes.length) {
            throw fault("file truncated: " + what + " declares " + len + " bytes but only " + (bytes.length - pos)
                    + " remain (file is " + bytes.length + " bytes)", null);
        }
        int untilLimit = in.getBytesUntilLimit();
        if (untilLimit >= 0 && len > untilLimit) {
            throw fault(what + " declares " + len + " bytes, past the end of its enclosing message ("
                    + untilLimit + " bytes left); corrupted file", null);
        }
        return len;
    }

    private void expectWire(int tag, int wireType, String field) throws OnnxFormatException {
        int got = WireFormat.getTagWireType(tag);
        if (got != wireType) {
            throw fault("field " + field + " (number " + WireFormat.getTagFieldNumber(tag) + ") has wire type " + got
                    + ", expected " + wireType + "; corrupted file", null);
        }
    }

    private long varint(int tag, String field) throws IOException {
        expectWire(tag, WireFormat.WIRETYPE_VARINT, field);
        return in.readRawVarint64();
    }

    private String string(int tag, String field) throws IOException {
        expectWire(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
        int len = length(field);
        int pos = in.getTotalBytesRead();
        in.skipRawBytes(len);
        return new String(bytes, pos, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A repeated int field, packed (length-delimited) or one varint per tag. */
    private void readVarints(int tag, String field, List<Long> out) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = in.pushLimit(length(field));
            while (!in.isAtEnd()) {
                out.add(in.readRawVarint64());
            }
            in.popLimit(old);
        } else {
            out.add(varint(tag, field));
        }
    }

    private void readVarints(int tag, String field, LongList out) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int old = in.pushLimit(length(field));
            while (!in.isAtEnd()) {
                out.add(in.readRawVarint64());
            }
            in.popLimit(old);
        } else {
            out.add(varint(tag, field));
        }
    }

    /** float_data, packed or one fixed32 per tag. */
    private void readFloats(int tag, FloatList out) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            int len = length("float_data");
            if (len % 4 != 0) {
                throw fault("packed float_data of " + len + " bytes, not a multiple of 4", null);
            }
            int old = in.pushLimit(len);
            while (!in.isAtEnd()) {
                out.add(in.readFloat());
            }
            in.popLimit(old);
        } else {
            expectWire(tag, WireFormat.WIRETYPE_FIXED32, "float_data");
            out.add(in.readFloat());
        }
    }

    private void skip(int tag) throws IOException {
        int wire = WireFormat.getTagWireType(tag);
        if (wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            in.skipRawBytes(length("field " + WireFormat.getTagFieldNumber(tag)));
        } else if (wire == WireFormat.WIRETYPE_START_GROUP || wire == WireFormat.WIRETYPE_END_GROUP || wire > 5) {
            // ONNX uses no groups; a group tag here means the bytes are not what they claim.
            throw fault("field " + WireFormat.getTagFieldNumber(tag) + " has wire type " + wire
                    + ", which ONNX never uses; corrupted file", null);
        } else {
            in.skipField(tag);
        }
    }

    private OnnxFormatException fault(String what, Throwable cause) {
        StringBuilder where = new StringBuilder();
        for (Iterator<String> it = path.descendingIterator(); it.hasNext(); ) {
            where.append(where.isEmpty() ? "" : " > ").append(it.next());
        }
        String msg = source + ": " + what + " at byte " + in.getTotalBytesRead()
                + (where.isEmpty() ? "" : " (reading " + where + ")");
        return cause == null ? new OnnxFormatException(msg) : new OnnxFormatException(msg, cause);
    }

    /** Growable float list without boxing, for float_data. */
    private static final class FloatList {
        float[] data = new float[16];
        int size;

        void add(float v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }

    /** Growable long list without boxing, for int32_data and int64_data. */
    private static final class LongList {
        long[] data = new long[16];
        int size;

        void add(long v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
