package dev.nanoadam.models.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) for safetensors headers, checkpoint manifests and results, read and
 * written by Jackson's streaming parser and generator; this class only maps values to plain Java
 * types and adds the checks Jackson leaves to its caller.
 *
 * <p>Values map to Java as: object to {@code LinkedHashMap<String, Object>} (key order kept; a
 * repeated key is an error, not "last one wins"), array to {@code List<Object>}, string to
 * {@code String}, a number without fraction or exponent that fits in a {@code long} to
 * {@code Long}, any other number to {@code Double}, {@code true}/{@code false} to {@code Boolean},
 * {@code null} to {@code null}. Nesting deeper than {@value #MAX_DEPTH} is refused, so hostile
 * input cannot exhaust the stack; so is a string holding a lone surrogate (not representable in
 * UTF-8), which Jackson would pass through.
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private Json() {
    }

    /** Malformed JSON; the message gives the character offset and what is wrong. */
    public static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;
        private final long offset;

        ParseException(long offset, String message) {
            super("at character " + offset + ": " + message);
            this.offset = offset;
        }

        /** Character offset of the fault. */
        public long offset() {
            return offset;
        }
    }

    /** Parses one JSON value, surrounded by optional whitespace only. */
    public static Object parse(String text) throws ParseException {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ParseException(text.length(), "unexpected end of input, expected a value");
            }
            Object value = value(p, first);
            if (p.nextToken() != null) {
                throw new ParseException(offset(p.currentTokenLocation()), "unexpected " + p.currentToken().asString()
                        + " after the value");
            }
            return value;
        } catch (JacksonException e) {
            throw new ParseException(offset(e.getLocation()), e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a string", e); // a string reader does not fail
        }
    }

    private static Object value(JsonParser p, JsonToken token) throws IOException, ParseException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String key = string(p, p.currentName());
                    object.put(key, value(p, p.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    array.add(value(p, t));
                }
                return array;
            }
            case VALUE_STRING -> {
                return string(p, p.getText());
            }
            case VALUE_NUMBER_INT -> {
                JsonParser.NumberType type = p.getNumberType();
                return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG ? (Object) p.getLongValue()
                        : (Object) p.getDoubleValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new ParseException(offset(p.currentTokenLocation()), "unexpected " + token);
        }
    }

    private static String string(JsonParser p, String s) throws ParseException {
        int bad = loneSurrogate(s);
        if (bad >= 0) {
            throw new ParseException(offset(p.currentTokenLocation()), "string holds a lone "
                    + (Character.isHighSurrogate(s.charAt(bad)) ? "high" : "low") + " surrogate U+"
                    + Integer.toHexString(s.charAt(bad)).toUpperCase(java.util.Locale.ROOT));
        }
        return s;
    }

    private static long offset(JsonLocation where) {
        return where == null ? -1 : where.getCharOffset();
    }

    /**
     * Writes a value as compact JSON: maps (string keys) as objects in their iteration order, lists
     * and arrays of primitives as arrays, strings escaped, integral numbers in decimal, doubles
     * and floats in their shortest round-trip form.
     *
     * @throws IllegalArgumentException for a non-finite number, a non-string key, a string with a lone
     *     surrogate (not representable in UTF-8) or an unsupported type
     */
    public static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string", e); // a string writer does not fail
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object value, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nesting deeper than " + MAX_DEPTH);
        }
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(checked(s));
            case Boolean b -> g.writeBoolean(b);
            case Long l -> g.writeNumber(l);
            case Integer i -> g.writeNumber(i);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case Double d -> g.writeNumber(finite(d));
            case Float f -> g.writeNumber(finite(f.doubleValue()));
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                    }
                    g.writeFieldName(checked(key));
                    write(g, e.getValue(), depth + 1);
                }
                g.writeEndObject();
            }
            case List<?> list -> {
                g.writeStartArray();
                for (Object o : list) {
                    write(g, o, depth + 1);
                }
                g.writeEndArray();
            }
            case long[] a -> g.writeArray(a, 0, a.length);
            case int[] a -> g.writeArray(a, 0, a.length);
            default -> throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static double finite(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no representation for " + d);
        }
        return d;
    }

    private static String checked(String s) {
        int bad = loneSurrogate(s);
        if (bad >= 0) {
            throw new IllegalArgumentException("string holds a lone surrogate U+"
                    + Integer.toHexString(s.charAt(bad)).toUpperCase(java.util.Locale.ROOT) + " at index " + bad);
        }
        return s;
    }

    /** Index of the first surrogate without its partner, or -1. */
    private static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
