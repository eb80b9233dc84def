package dev.nanoadam.models.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Strict UTF-8 decoding of whole text files: a bad byte is an error, never a replacement character. */
final class Utf8 {
    private Utf8() {
    }

    /** Strict UTF-8 decoding; the error names the byte offset of the first malformed sequence. */
    static String decode(Path file, byte[] bytes) throws DatasetFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new DatasetFormatException(file, "not valid UTF-8: malformed sequence of " + result.length()
                    + " byte(s) at byte offset " + in.position());
        }
        return out.flip().toString();
    }
}
