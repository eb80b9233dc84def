package dev.nanoadam.models.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, -0.25e2, 1E3, 12345678901234567890],\n \"b\": {\"c\": true, \"d\": false, \"e\": null},"
                + " \"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"empty\": {}, \"none\": []} ", "t.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        assertEquals(List.of("a", "b", "s", "empty", "none"), List.copyOf(m.keySet()), "key order kept");
        assertEquals(List.of(1L, -2L, 3.5, -25.0, 1000.0, 1.2345678901234567e19), m.get("a"));
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) m.get("b");
        assertEquals(Boolean.TRUE, b.get("c"));
        assertEquals(Boolean.FALSE, b.get("d"));
        assertTrue(b.containsKey("e"));
        assertNull(b.get("e"));
        assertEquals("q\"\\/\b\f\n\r\té😀", m.get("s"));
        assertEquals(Map.of(), m.get("empty"));
        assertEquals(List.of(), m.get("none"));
    }

    @Test
    void errorsNameSourceLineAndColumn() {
        String[][] bad = {
            {"{\"a\": 1,}", "line 1 column 9: expected a string key"},
            {"{\"a\" 1}", "line 1 column 6: expected ':'"},
            {"[1 2]", "line 1 column 4: expected ',' or ']' in an array"},
            {"{\n  \"a\": tru\n}", "line 2 column 8: expected 'true'"},
            {"\"abc", "unterminated string"},
            {"\"a\\x\"", "bad escape '\\x'"},
            {"\"\\u12G4\"", "bad hex digit in \\u escape"},
            {"01", "unexpected '1' after the top-level value"},
            {"-", "expected a digit"},
            {"1.", "expected a digit after '.'"},
            {"{\"k\": 1, \"k\": 2}", "duplicate key \"k\""},
            {"\"tab\there\"", "raw control character U+0009 in a string"},
            {"", "unexpected end of input, expected a value"},
            {"[".repeat(600), "nesting deeper than 512"},
        };
        for (String[] c : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(c[0], "x.json"),
                    "accepted: " + c[0]);
            assertTrue(e.getMessage().startsWith("x.json: invalid JSON at line "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), "for " + c[0] + ": " + e.getMessage());
        }
    }
}
