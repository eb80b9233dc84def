package dev.nanoadam.models.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes small ONNX files field by field, for reader tests that need a particular encoding. */
final class OnnxBytes {
    private OnnxBytes() {
    }

    /** A field-writing step. */
    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] bytes(Body body) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bos);
            body.write(out);
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** TensorProto with dims, data type and name only; {@code data} adds the data fields. */
    static byte[] tensor(String name, int dataType, long[] dims, Body data) {
        return bytes(out -> {
            for (long d : dims) {
                out.writeInt64(1, d);
            }
            out.writeInt32(2, dataType);
            out.writeString(8, name);
            data.write(out);
        });
    }

    /** Packed float_data (field 4). */
    static Body floatData(float... values) {
        return out -> {
            out.writeTag(4, 2);
            out.writeUInt32NoTag(values.length * 4);
            for (float v : values) {
                out.writeFloatNoTag(v);
            }
        };
    }

    /** Packed int64_data (field 7). */
    static Body int64Data(long... values) {
        return out -> {
            byte[] packed = bytes(o -> {
                for (long v : values) {
                    o.writeInt64NoTag(v);
                }
            });
            out.writeByteArray(7, packed);
        };
    }

    /** raw_data (field 9), little-endian floats. */
    static Body rawFloats(float... values) {
        return out -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            out.writeByteArray(9, b.array());
        };
    }

    /** NodeProto. */
    static byte[] node(String opType, String name, List<String> inputs, List<String> outputs) {
        return bytes(out -> {
            for (String in : inputs) {
                out.writeString(1, in);
            }
            for (String o : outputs) {
                out.writeString(2, o);
            }
            out.writeString(3, name);
            out.writeString(4, opType);
        });
    }

    /** ModelProto {ir_version 8, graph {nodes, initializers}, opset_import {"" 14} when asked}. */
    static byte[] model(List<byte[]> nodes, List<byte[]> initializers, boolean opset) {
        byte[] graph = bytes(out -> {
            for (byte[] n : nodes) {
                out.writeByteArray(1, n);
            }
            out.writeString(2, "test");
            for (byte[] t : initializers) {
                out.writeByteArray(5, t);
            }
        });
        return bytes(out -> {
            out.writeInt64(1, 8);
            out.writeString(2, "handmade");
            out.writeByteArray(7, graph);
            if (opset) {
                out.writeByteArray(8, bytes(o -> o.writeInt64(2, 14)));
            }
        });
    }
}
