package dev.nanoadam.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The strict JSON reader and writer (Jackson underneath): what it refuses, and that it writes what it reads back. */
class JsonTest {
    @Test
    void parsesEveryKindOfValue() throws Exception {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null], \"b\": {\"c\": \"x\\u00e9\\n\\ud83d\\ude00\"}} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", Arrays.asList(1L, -2L, 3.5, 1000.0, true, false, null));
        expected.put("b", Map.of("c", "x\u00e9\n\ud83d\ude00"));
        assertEquals(expected, v);
        assertEquals(List.of("a", "b"), new ArrayList<>(((Map<?, ?>) v).keySet()), "key order kept");
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808"), "beyond long: a double");
    }

    @Test
    void refusesWhatRfc8259Refuses() {
        String[][] cases = {
            {"{\"a\":1,\"a\":2}", "Duplicate field 'a'"},
            {"[1,]", "expected a valid value"},
            {"01", "Leading zeroes not allowed"},
            {"\"a\u0001\"", "CTRL-CHAR, code 1"},
            {"\"\\ud800\"", "lone high surrogate"},
            {"\"\\udc00\"", "lone low surrogate"},
            {"\"\\x\"", "Unrecognized character escape 'x'"},
            {"{\"a\" 1}", "was expecting a colon"},
            {"{1:2}", "was expecting double-quote to start field name"},
            {"tru", "Unrecognized token 'tru'"},
            {"1.", "Decimal point not followed by a digit"},
            {"-", "No digit following sign"},
            {"\"abc", "was expecting closing quote"},
            {"", "unexpected end of input"},
            {"[] []", "after the value"},
            {"NaN", "Non-standard token 'NaN'"},
        };
        for (String[] c : cases) {
            Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), "'" + c[0] + "': '" + e.getMessage() + "' lacks '" + c[1] + "'");
        }
    }

    @Test
    void deepNestingIsRefusedWithoutExhaustingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("exceeds the maximum allowed (64"), e.getMessage());
    }

    @Test
    void writesWhatItReadsBack() throws Exception {
        long seed = 42;
        SplittableRandom r = new SplittableRandom(seed);
        for (int trial = 0; trial < 200; trial++) {
            Object value = randomValue(r, 0);
            String text = Json.write(value);
            assertEquals(value, Json.parse(text), "seed " + seed + ", trial " + trial + ": " + text);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", new long[] {1, 2});
        m.put("s", "a\"b\\c\u0001");
        assertEquals("{\"k\":[1,2],\"s\":\"a\\\"b\\\\c\\u0001\"}", Json.write(m));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write("\ud800"));
    }

    private static Object randomValue(SplittableRandom r, int depth) {
        int kind = depth > 3 ? r.nextInt(5) : r.nextInt(7);
        switch (kind) {
            case 0:
                return r.nextLong();
            case 1:
                return r.nextBoolean() ? r.nextDouble() * 1e6 : Double.longBitsToDouble(r.nextLong() & 0x7FEFFFFFFFFFFFFFL);
            case 2: {
                StringBuilder sb = new StringBuilder();
                for (int i = r.nextInt(8); i > 0; i--) {
                    int cp = r.nextInt(4) == 0 ? r.nextInt(0x20) : r.nextInt(3) == 0 ? 0x1F600 + r.nextInt(50) : 0x20 + r.nextInt(0x3000);
                    if (cp >= 0xD800 && cp <= 0xDFFF) {
                        cp = 'x';
                    }
                    sb.appendCodePoint(cp);
                }
                return sb.toString();
            }
            case 3:
                return r.nextBoolean();
            case 4:
                return null;
            case 5: {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                return l;
            }
            default: {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    m.put("k" + r.nextInt(1000) + "\"\\\n", randomValue(r, depth + 1));
                }
                return m;
            }
        }
    }
}
