package dev.nanoadam.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading safetensors files, and each rule of the format enforced with a clear message. */
class SafetensorsTest {
    @TempDir
    Path dir;

    /** Edge-biased floats: signed zeros, subnormals, extremes, NaN, infinities, values that round. */
    static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, 0.1f, 65504f,
        65520f, 1e-8f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        3.14159265f, 1.0078125f, 1.00390625f, 1.01171875f};

    static Path writeRaw(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(file, b.array());
        return file;
    }

    @Test
    void roundTripsEveryDtype() throws IOException {
        Path f = dir.resolve("all.safetensors");
        long[] ints = {0, 1, -1, 127, -128};
        new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata("note", "é \"quoted\"")
                .addFloats("f32", DType.F32, EDGES, EDGES.length)
                .addFloats("f64", DType.F64, EDGES, EDGES.length)
                .addFloats("f16", DType.F16, EDGES, EDGES.length)
                .addFloats("bf16", DType.BF16, EDGES, EDGES.length)
                .addLongs("i64", DType.I64, new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}, 5)
                .addLongs("i32", DType.I32, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}, 2)
                .addLongs("i8", DType.I8, ints, 5)
                .addLongs("u8", DType.U8, new long[] {0, 255}, 2)
                .addLongs("u16", DType.U16, new long[] {65535}, 1)
                .addLongs("bool", DType.BOOL, new long[] {1, 0}, 2)
                .addFloat32("scalar", new float[] {2.5f})
                .addFloat32("empty", new float[0], 0, 3)
                .write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertEquals(Map.of("format", "pt", "note", "é \"quoted\""), s.metadata());
            assertEquals(0, s.dataStart() % 8, "data area aligned to 8 bytes");
            Compare.exact("f32", EDGES, s.readFloats("f32"));
            Compare.exact("f64", EDGES, s.readFloats("f64"));
            float[] f16 = new float[EDGES.length];
            float[] bf16 = new float[EDGES.length];
            for (int i = 0; i < EDGES.length; i++) {
                f16[i] = Float.float16ToFloat(Float.floatToFloat16(EDGES[i]));
                bf16[i] = Float.intBitsToFloat((SafetensorsWriter.toBf16(EDGES[i]) & 0xFFFF) << 16);
            }
            Compare.exact("f16", f16, s.readFloats("f16"));
            Compare.exact("bf16", bf16, s.readFloats("bf16"));
            float[] b = s.readFloats("bf16");
            assertEquals(1.0078125f, b[17], "1 + 2^-7 is a bf16 value, kept");
            assertEquals(1.0f, b[18], "1 + 2^-8 ties 1 and 1 + 2^-7: to the even 1");
            assertEquals(1.015625f, b[19], "1 + 3*2^-8 ties 1 + 2^-7 and 1 + 2^-6: to the even 1 + 2^-6");
            assertTrue(Float.isNaN(b[15]) && Float.isInfinite(b[13]) && b[0] == 0f, "NaN, infinity and zero survive");
            assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE}, s.readLongs("i64"));
            assertArrayEquals(new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}, s.readLongs("i32"));
            assertArrayEquals(ints, s.readLongs("i8"));
            assertArrayEquals(new long[] {0, 255}, s.readLongs("u8"));
            assertArrayEquals(new long[] {65535}, s.readLongs("u16"));
            assertArrayEquals(new long[] {1, 0}, s.readLongs("bool"));
            assertArrayEquals(new long[0], s.tensor("scalar").shape());
            assertEquals(2.5f, s.readFloats("scalar")[0]);
            assertEquals(0, s.readFloats("empty").length);
            assertEquals("i64 I64 [5] 40", s.tensor("i64").toString());
            assertEquals(List.of("f32", "f64", "f16", "bf16", "i64", "i32", "i8", "u8", "u16", "bool", "scalar", "empty"),
                    s.names(), "data order is insertion order");
        }
    }

    @Test
    void readingIntoAnArrayChecksTheShape() throws IOException {
        Path f = dir.resolve("w.safetensors");
        new SafetensorsWriter().addFloat32("layer.weight", new float[6], 2, 3).write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            float[] dst = new float[6];
            s.readFloats("layer.weight", dst, 2, 3);
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> s.readFloats("layer.weight", dst, 3, 2));
            assertEquals(f + ": tensor 'layer.weight' has shape [2, 3] but shape [3, 2] was expected", e.getMessage());
            e = assertThrows(SafetensorsException.class, () -> s.readFloats("nope"));
            assertTrue(e.getMessage().contains("no tensor named 'nope'"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.readFloats("layer.weight", new float[5], 2, 3));
        }
    }

    @Test
    void writerRefusesInconsistentInput() {
        SafetensorsWriter w = new SafetensorsWriter().addFloat32("a", new float[2], 2);
        assertThrows(IllegalArgumentException.class, () -> w.addFloat32("a", new float[2], 2), "duplicate");
        assertThrows(IllegalArgumentException.class, () -> w.addFloat32("__metadata__", new float[1], 1), "reserved");
        assertThrows(IllegalArgumentException.class, () -> w.addFloat32("b", new float[3], 2), "shape");
        assertThrows(IllegalArgumentException.class, () -> w.addLongs("c", DType.U8, new long[] {256}, 1), "range");
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("d", DType.I32, new float[1], 1), "dtype");
    }

    @Test
    void eachRuleOfTheFormatIsEnforcedWithItsOwnMessage() throws IOException {
        String t = "\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        Object[][] cases = {
            {"{" + t + "}", 7, "tensor 't': data_offsets [0, 8] run past the data area (7 bytes after the header; truncated?)"},
            {"{" + t + "}", 9, "tensors cover 8 data bytes but the data area after the header holds 9 (trailing bytes)"},
            {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}", 8, "run past the data area"},
            {"{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8,
                "tensor 't': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8"},
            {"{\"t\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}", 8, "unknown or unsupported dtype \"F8_E4M3\""},
            {"{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "shape[0] must be a non-negative integer, got -2"},
            {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8, "shape[0] must be a non-negative integer, got 2.0"},
            {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "end before they begin"},
            {"{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8, "\"data_offsets\" must be an array [begin, end]"},
            {"{\"t\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "\"dtype\" must be a string, got null"},
            {"{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, "\"shape\" must be an array"},
            {"{\"t\":[1]}", 8, "entry must be an object"},
            {"{" + t + "," + t + "}", 8, "Duplicate field 't'"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                8, "tensor 'b' starts at data byte 4 but tensor 'a' ends at 8 (overlap)"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                12, "tensor 'b' starts at data byte 8 but tensor 'a' ends at 4 (gap)"},
            {"{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "starts at data byte 4 but the data area starts at 0"},
            {"{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8, "needs more than 2^63 bytes"},
            {"{\"__metadata__\":{\"k\":1}}", 0, "metadata \"k\" must be a string, got 1"},
            {"{\"__metadata__\":[]}", 0, "\"__metadata__\" must be an object of strings"},
            {"[1,2]", 0, "header is JSON but not an object"},
            {"{\"t\":", 0, "header is not valid JSON: at character 5: Unexpected end-of-input"},
        };
        for (Object[] c : cases) {
            Path f = writeRaw(Files.createTempFile(dir, "bad", ".safetensors"), (String) c[0], (Integer) c[1]);
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(f).close(), (String) c[0]);
            assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
            assertTrue(e.getMessage().contains((String) c[2]), "header " + c[0] + "\n  message: " + e.getMessage()
                    + "\n  expected to contain: " + c[2]);
        }
    }

    @Test
    void headerLengthIsCheckedBeforeAnythingIsAllocated() throws IOException {
        long[][] lengths = {{-1L, 0}, {Long.MAX_VALUE, 0}, {1L << 40, 0}, {SafetensorsFile.MAX_HEADER_BYTES + 1, 0}, {100, 50}};
        String[] expected = {"header length 18446744073709551615 exceeds the 100000000-byte limit",
            "header length 9223372036854775807 exceeds", "header length 1099511627776 exceeds",
            "header length 100000001 exceeds", "header length 100 runs past the end of the file (58 bytes, so at most 50 header bytes)"};
        for (int i = 0; i < lengths.length; i++) {
            ByteBuffer b = ByteBuffer.allocate(8 + (int) lengths[i][1]).order(ByteOrder.LITTLE_ENDIAN).putLong(0, lengths[i][0]);
            Path f = dir.resolve("len" + i);
            Files.write(f, b.array());
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(f).close());
            assertTrue(e.getMessage().contains(expected[i]), e.getMessage());
        }
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[5]);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(tiny).close());
        assertEquals(tiny + ": file is 5 bytes long, shorter than the 8-byte header length", e.getMessage());
    }

    @Test
    void headerMustBeUtf8AndMayEndInSpaces() throws IOException {
        byte[] bad = {'{', '"', (byte) 0xFF, '"', ':', '1', '}'};
        ByteBuffer b = ByteBuffer.allocate(8 + bad.length).order(ByteOrder.LITTLE_ENDIAN).putLong(bad.length).put(bad);
        Path f = dir.resolve("utf");
        Files.write(f, b.array());
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(e.getMessage().contains("header is not valid UTF-8 (bad byte at header offset 2)"), e.getMessage());
        Path padded = writeRaw(dir.resolve("pad"), "{}      ", 0);
        try (SafetensorsFile s = SafetensorsFile.open(padded)) {
            assertEquals(0, s.tensors().size());
        }
    }
}
