package dev.nanoadam.models.onnx;

import java.io.IOException;

/**
 * An ONNX file that cannot be read as the reader needs it: truncated, corrupted, of an
 * unsupported kind (external data), or missing a tensor a consumer expects. The message always
 * names the file (or resource) and says what is wrong: for a malformed protobuf, protobuf's
 * reason; otherwise the tensor or node concerned and, for a fault met while parsing, the path
 * of messages it sits in.
 */
public final class OnnxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A fault described by {@code message}, which already names the source. */
    public OnnxFormatException(String message) {
        super(message);
    }

    /** A fault described by {@code message} whose underlying cause is {@code cause}. */
    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
