package dev.nanoadam.models.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A token vocabulary built from a corpus, for small transformer experiments: character level
 * (each Unicode code point a token) or word level (lower-cased runs of letters and digits, and
 * every other non-blank character on its own).
 *
 * <p>Ids: {@link #PAD} = 0, {@link #CLS} = 1, {@link #UNK} = 2, then the corpus tokens by falling
 * count, ties by token text, so the same corpus always gives the same ids. {@link #encode} writes
 * {@code [CLS]} and the text's ids, truncated or padded with {@code [PAD]} to a fixed length.
 */
public final class Vocabulary {
    /** Padding; the attention mask is 0 exactly here. */
    public static final int PAD = 0;
    /** Classification token, first in every encoded sequence. */
    public static final int CLS = 1;
    /** Any token not in the vocabulary. */
    public static final int UNK = 2;
    /** Texts of the special tokens, by id. */
    public static final List<String> SPECIAL_TOKENS = List.of("[PAD]", "[CLS]", "[UNK]");

    /** How text is cut into tokens. */
    public enum Level {
        /** One token per Unicode code point. */
        CHARACTER,
        /** Lower-cased runs of letters and digits; every other non-blank character alone. */
        WORD
    }

    private final Level level;
    private final List<String> tokens;          // by id, specials first
    private final Map<String, Integer> ids;

    private Vocabulary(Level level, List<String> tokens) {
        this.level = level;
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>();
        for (int i = 0; i < this.tokens.size(); i++) {
            if (ids.put(this.tokens.get(i), i) != null) {
                throw new IllegalArgumentException("token '" + this.tokens.get(i) + "' appears twice in the vocabulary");
            }
        }
    }

    /**
     * The vocabulary of {@code documents}: every token seen at least {@code minCount} times, the most
     * frequent first, at most {@code maxSize} ids in all (specials included).
     *
     * @throws IllegalArgumentException if {@code minCount < 1} or {@code maxSize} leaves no room beyond the specials
     */
    public static Vocabulary build(Iterable<String> documents, Level level, int minCount, int maxSize) {
        Objects.requireNonNull(level, "level");
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be at least 1, got " + minCount);
        }
        if (maxSize <= SPECIAL_TOKENS.size()) {
            throw new IllegalArgumentException("maxSize must exceed the " + SPECIAL_TOKENS.size() + " special tokens, got " + maxSize);
        }
        Map<String, int[]> counts = new HashMap<>();
        for (String doc : documents) {
            for (String t : split(level, doc)) {
                counts.computeIfAbsent(t, k -> new int[1])[0]++;
            }
        }
        List<Map.Entry<String, int[]>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> a.getValue()[0] != b.getValue()[0]
                ? Integer.compare(b.getValue()[0], a.getValue()[0])
                : a.getKey().compareTo(b.getKey()));
        List<String> tokens = new ArrayList<>(SPECIAL_TOKENS);
        for (Map.Entry<String, int[]> e : entries) {
            if (tokens.size() >= maxSize || e.getValue()[0] < minCount) {
                break;
            }
            tokens.add(e.getKey());
        }
        return new Vocabulary(level, tokens);
    }

    /** A vocabulary with exactly these tokens after the specials, in this order (e.g. read back from a file). */
    public static Vocabulary of(Level level, List<String> corpusTokens) {
        List<String> tokens = new ArrayList<>(SPECIAL_TOKENS);
        tokens.addAll(corpusTokens);
        return new Vocabulary(Objects.requireNonNull(level, "level"), tokens);
    }

    /** The tokens of {@code text} at this vocabulary's level. */
    public List<String> split(String text) {
        return split(level, text);
    }

    static List<String> split(Level level, String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        if (level == Level.CHARACTER) {
            while (i < text.length()) {
                int cp = text.codePointAt(i);
                out.add(new String(Character.toChars(cp)));
                i += Character.charCount(cp);
            }
            return out;
        }
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isISOControl(cp)) {
                i += Character.charCount(cp);
            } else if (Character.isLetterOrDigit(cp)) {
                int start = i;
                while (i < text.length() && Character.isLetterOrDigit(text.codePointAt(i))) {
                    i += Character.charCount(text.codePointAt(i));
                }
                out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
            } else {
                out.add(new String(Character.toChars(cp)));
                i += Character.charCount(cp);
            }
        }
        return out;
    }

    /** Number of ids, specials included. */
    public int size() {
        return tokens.size();
    }

    public Level level() {
        return level;
    }

    /** The id of {@code token}, or {@link #UNK}. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK : id;
    }

    /** The token of {@code id}. */
    public String token(int id) {
        return tokens.get(id);
    }

    /** Every token by id, specials first. */
    public List<String> tokens() {
        return Collections.unmodifiableList(tokens);
    }

    /**
     * Writes {@code [CLS]} and the ids of {@code text}'s tokens into {@code out[offset..offset+seqLen)},
     * truncating what does not fit and padding the rest with {@link #PAD}.
     *
     * @return the number of non-padding ids written
     */
    public int encode(String text, int[] out, int offset, int seqLen) {
        if (seqLen < 1) {
            throw new IllegalArgumentException("seqLen must be positive, got " + seqLen);
        }
        Objects.checkFromIndexSize(offset, seqLen, out.length);
        out[offset] = CLS;
        int n = 1;
        for (String t : split(text)) {
            if (n == seqLen) {
                break;
            }
            out[offset + n++] = id(t);
        }
        Arrays.fill(out, offset + n, offset + seqLen, PAD);
        return n;
    }

    /** {@link #encode(String, int[], int, int)} into a new array. */
    public int[] encode(String text, int seqLen) {
        int[] out = new int[seqLen];
        encode(text, out, 0, seqLen);
        return out;
    }

    /** The text of {@code ids[from..to)}, skipping {@code [PAD]} and {@code [CLS]}; words are joined by spaces. */
    public String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (ids[i] == PAD || ids[i] == CLS) {
                continue;
            }
            if (level == Level.WORD && !sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(token(ids[i]));
        }
        return sb.toString();
    }
}
