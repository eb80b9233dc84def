package dev.nanoadam.models.text;

import dev.nanoadam.models.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT WordPiece tokenizer configured from a Hugging Face {@code tokenizer.json}, producing the
 * same ids as the Rust {@code tokenizers} library for the BERT pipeline:
 * <ol>
 *   <li>added tokens ({@code [CLS]}, {@code [SEP]}, ...) are cut out of the raw text first,
 *       leftmost-longest, and become their own ids;</li>
 *   <li>the rest is normalised ({@link BertNormalizer}: clean text, CJK spacing, accent
 *       stripping, lowercasing, as the file's {@code normalizer} says);</li>
 *   <li>pre-tokenised ({@code BertPreTokenizer}): split at whitespace, and every punctuation
 *       character (Unicode 8.0 categories Pc, Pd, Ps, Pe, Pi, Pf, Po, and all ASCII symbols
 *       {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~}) becomes a word of its own;</li>
 *   <li>each word goes through WordPiece: greedy longest-match-first from the left, later pieces
 *       looked up with the {@code ##} prefix; a word with a piece not in the vocabulary, or longer
 *       than {@code max_input_chars_per_word} code points, becomes one {@code [UNK]};</li>
 *   <li>the post-processor wraps the ids as {@code [CLS] ... [SEP]}.</li>
 * </ol>
 * Truncation keeps the first {@code maxLength - 2} tokens and then adds the special tokens, so an
 * encoding never exceeds {@code maxLength}. Instances are immutable and thread-safe.
 *
 * <p>Options of the file that this class does not implement (another normaliser or model, added
 * tokens that are normalised or strip spaces) are refused with a message naming the option.
 */
public final class WordPieceTokenizer {
    private final String source;
    private final Map<String, Integer> vocab;
    private final String[] idToToken;        // [vocabSize] token text by id
    private final BertNormalizer normalizer;  // null: the file has "normalizer": null
    private final String unkToken;
    private final int unkId;
    private final String continuingPrefix;
    private final int maxInputCharsPerWord;
    private final String[] addedTokens;       // contents, longest first, for leftmost-longest matching
    private final int[] addedIds;             // ids parallel to addedTokens
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final int configuredMaxLength;    // truncation.max_length of the file, or -1

    private WordPieceTokenizer(String source, Map<String, Object> root) {
        this.source = source;
        Map<String, Object> model = object(root, "model", "model");
        String modelType = string(model, "type", "model.type");
        if (!modelType.equals("WordPiece")) {
            throw unsupported("model.type \"" + modelType + "\" (only WordPiece)");
        }
        Map<String, Object> vocabJson = object(model, "vocab", "model.vocab");
        vocab = new HashMap<>(vocabJson.size() * 2);
        int maxId = -1;
        for (Map.Entry<String, Object> e : vocabJson.entrySet()) {
            int id = intValue(e.getValue(), "model.vocab[\"" + e.getKey() + "\"]");
            vocab.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
        }
        idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (idToToken[e.getValue()] != null) {
                throw invalid("model.vocab gives id " + e.getValue() + " to both \"" + idToToken[e.getValue()] + "\" and \""
                        + e.getKey() + "\"");
            }
            idToToken[e.getValue()] = e.getKey();
        }
        unkToken = string(model, "unk_token", "model.unk_token");
        unkId = requireId(unkToken, "model.unk_token");
        continuingPrefix = string(model, "continuing_subword_prefix", "model.continuing_subword_prefix");
        maxInputCharsPerWord = intValue(model.get("max_input_chars_per_word"), "model.max_input_chars_per_word");

        Object norm = root.get("normalizer");
        if (norm == null) {
            normalizer = null;
        } else {
            Map<String, Object> n = object(root, "normalizer", "normalizer");
            String type = string(n, "type", "normalizer.type");
            if (!type.equals("BertNormalizer")) {
                throw unsupported("normalizer.type \"" + type + "\" (only BertNormalizer)");
            }
            boolean lower = bool(n, "lowercase", "normalizer.lowercase");
            Object strip = n.get("strip_accents");
            normalizer = new BertNormalizer(bool(n, "clean_text", "normalizer.clean_text"),
                    bool(n, "handle_chinese_chars", "normalizer.handle_chinese_chars"),
                    strip == null ? lower : bool(n, "strip_accents", "normalizer.strip_accents"), lower);
        }
        Map<String, Object> pre = object(root, "pre_tokenizer", "pre_tokenizer");
        String preType = string(pre, "type", "pre_tokenizer.type");
        if (!preType.equals("BertPreTokenizer")) {
            throw unsupported("pre_tokenizer.type \"" + preType + "\" (only BertPreTokenizer)");
        }

        List<Object> added = root.get("added_tokens") == null ? List.of() : list(root, "added_tokens", "added_tokens");
        List<String[]> addedPairs = new ArrayList<>();
        for (int i = 0; i < added.size(); i++) {
            String where = "added_tokens[" + i + "]";
            if (!(added.get(i) instanceof Map<?, ?>)) {
                throw invalid(where + " is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) added.get(i);
            String content = string(a, "content", where + ".content");
            int id = intValue(a.get("id"), where + ".id");
            for (String flag : new String[] {"single_word", "lstrip", "rstrip", "normalized"}) {
                if (Boolean.TRUE.equals(a.get(flag))) {
                    throw unsupported(where + " (\"" + content + "\") sets " + flag);
                }
            }
            if (content.isEmpty()) {
                throw invalid(where + " has empty content");
            }
            addedPairs.add(new String[] {content, Integer.toString(id)});
        }
        addedPairs.sort(Comparator.comparingInt((String[] p) -> -p[0].length()));
        addedTokens = new String[addedPairs.size()];
        addedIds = new int[addedPairs.size()];
        for (int i = 0; i < addedTokens.length; i++) {
            addedTokens[i] = addedPairs.get(i)[0];
            addedIds[i] = Integer.parseInt(addedPairs.get(i)[1]);
        }

        int[] special = specialIds(root);
        clsId = special[0];
        sepId = special[1];
        Object padding = root.get("padding");
        if (padding instanceof Map<?, ?> p && p.get("pad_id") != null) {
            padId = intValue(p.get("pad_id"), "padding.pad_id");
        } else {
            padId = requireId("[PAD]", "the pad token");
        }
        Object trunc = root.get("truncation");
        if (trunc instanceof Map<?, ?> t && t.get("max_length") != null) {
            configuredMaxLength = intValue(t.get("max_length"), "truncation.max_length");
        } else {
            configuredMaxLength = -1;
        }
    }

    /** Reads a {@code tokenizer.json} file. */
    public static WordPieceTokenizer fromJson(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Reads a {@code tokenizer.json} from {@code in} (not closed here); {@code source} names it in errors. */
    public static WordPieceTokenizer fromJson(InputStream in, String source) throws IOException {
        return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), source);
    }

    /** Parses the text of a {@code tokenizer.json}; {@code source} names it in errors. */
    @SuppressWarnings("unchecked")
    public static WordPieceTokenizer fromJson(String json, String source) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (Json.ParseException e) {
            throw new IllegalArgumentException(source + ": invalid JSON " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(source + ": top level of a tokenizer.json must be an object");
        }
        return new WordPieceTokenizer(source, (Map<String, Object>) root);
    }

    // ---- encoding -----------------------------------------------------------------------------

    /**
     * The WordPiece tokens of {@code text} without [CLS]/[SEP]: added tokens as their content,
     * continuation pieces with their {@code ##} prefix, unknown words as {@code [UNK]}.
     */
    public List<String> tokenize(String text) {
        int[] ids = encodeRaw(text);
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(idToToken[id]);
        }
        return out;
    }

    /** {@code [CLS] ids(text) [SEP]}, not truncated. */
    public int[] encode(String text) {
        return wrap(encodeRaw(text), Integer.MAX_VALUE);
    }

    /** {@code [CLS] ids(text) [SEP]} truncated to at most {@code maxLength} ids (at least 2). */
    public int[] encode(String text, int maxLength) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for [CLS] and [SEP]");
        }
        return wrap(encodeRaw(text), maxLength);
    }

    /**
     * Encodes every text as {@link #encode(String, int)} and pads all rows with the pad id to the
     * longest one, with an attention mask of 1 for tokens and 0 for padding.
     */
    public BatchEncoding encodeBatch(List<String> texts, int maxLength) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("encodeBatch: no texts");
        }
        int[][] rows = new int[texts.size()][];
        int seqLen = 0;
        for (int i = 0; i < rows.length; i++) {
            rows[i] = encode(texts.get(i), maxLength);
            seqLen = Math.max(seqLen, rows[i].length);
        }
        int n = rows.length;
        int[] ids = new int[n * seqLen];
        int[] mask = new int[n * seqLen];
        int[] types = new int[n * seqLen];
        int[] lengths = new int[n];
        Arrays.fill(ids, padId);
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, ids, i * seqLen, rows[i].length);
            Arrays.fill(mask, i * seqLen, i * seqLen + rows[i].length, 1);
            lengths[i] = rows[i].length;
        }
        return new BatchEncoding(n, seqLen, ids, mask, types, lengths);
    }

    private int[] wrap(int[] body, int maxLength) {
        int keep = (int) Math.min(body.length, (long) maxLength - 2);
        int[] out = new int[keep + 2];
        out[0] = clsId;
        System.arraycopy(body, 0, out, 1, keep);
        out[keep + 1] = sepId;
        return out;
    }

    /** Ids of the text without special tokens: added-token split, normalise, pre-tokenise, WordPiece. */
    private int[] encodeRaw(String text) {
        IntList out = new IntList();
        int segmentStart = 0;
        int i = 0;
        while (i < text.length()) {
            int match = matchAdded(text, i);
            if (match < 0) {
                i++;
                continue;
            }
            encodeSegment(text.substring(segmentStart, i), out);
            out.add(addedIds[match]);
            i += addedTokens[match].length();
            segmentStart = i;
        }
        encodeSegment(text.substring(segmentStart), out);
        return out.toArray();
    }

    /** Index of the longest added token starting at {@code at}, or -1. */
    private int matchAdded(String text, int at) {
        for (int k = 0; k < addedTokens.length; k++) {
            if (text.startsWith(addedTokens[k], at)) {
                return k;
            }
        }
        return -1;
    }

    private void encodeSegment(String segment, IntList out) {
        if (segment.isEmpty()) {
            return;
        }
        String s = normalizer == null ? segment : normalizer.normalize(segment);
        int wordStart = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (BertNormalizer.isWhitespace(cp)) {
                if (wordStart >= 0) {
                    wordPiece(s.substring(wordStart, i), out);
                    wordStart = -1;
                }
            } else if (isPunctuation(cp)) {
                if (wordStart >= 0) {
                    wordPiece(s.substring(wordStart, i), out);
                    wordStart = -1;
                }
                wordPiece(s.substring(i, next), out);
            } else if (wordStart < 0) {
                wordStart = i;
            }
            i = next;
        }
        if (wordStart >= 0) {
            wordPiece(s.substring(wordStart), out);
        }
    }

    /** Greedy longest-match-first WordPiece of one word; the whole word is [UNK] when any piece fails. */
    private void wordPiece(String word, IntList out) {
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            int found = -1;
            while (end > start) {
                String piece = start == 0 ? word.substring(0, end) : continuingPrefix + word.substring(start, end);
                Integer id = vocab.get(piece);
                if (id != null) {
                    found = id;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found < 0) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(found);
            start = end;
        }
    }

    /** BERT punctuation: any ASCII symbol, or a Unicode punctuation category. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return BertCharClass.of(cp) == BertCharClass.PUNCTUATION;
    }

    // ---- vocabulary ---------------------------------------------------------------------------

    /** Number of ids: one more than the largest id in the vocabulary. */
    public int vocabSize() {
        return idToToken.length;
    }

    /** The id of {@code token}, or -1 when it is not in the vocabulary. */
    public int id(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    /** The token text of {@code id}. */
    public String token(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            throw new IllegalArgumentException("id " + id + " is not in the vocabulary of " + source);
        }
        return idToToken[id];
    }

    /** Id of the classification token that starts every encoding. */
    public int clsId() {
        return clsId;
    }

    /** Id of the separator that ends every encoding. */
    public int sepId() {
        return sepId;
    }

    /** Id used for padding in {@link #encodeBatch}. */
    public int padId() {
        return padId;
    }

    /** Id of the unknown-word token. */
    public int unkId() {
        return unkId;
    }

    /** The file's {@code truncation.max_length}, or -1 when it sets none. */
    public int configuredMaxLength() {
        return configuredMaxLength;
    }

    /** The file or resource this tokenizer was read from. */
    public String source() {
        return source;
    }

    // ---- tokenizer.json access ----------------------------------------------------------------

    /** [CLS] and [SEP] ids from a TemplateProcessing or BertProcessing post-processor. */
    private int[] specialIds(Map<String, Object> root) {
        Map<String, Object> post = object(root, "post_processor", "post_processor");
        String type = string(post, "type", "post_processor.type");
        if (type.equals("BertProcessing")) {
            List<Object> cls = list(post, "cls", "post_processor.cls");
            List<Object> sep = list(post, "sep", "post_processor.sep");
            return new int[] {intValue(cls.get(1), "post_processor.cls[1]"), intValue(sep.get(1), "post_processor.sep[1]")};
        }
        if (!type.equals("TemplateProcessing")) {
            throw unsupported("post_processor.type \"" + type + "\" (only TemplateProcessing, BertProcessing)");
        }
        List<Object> single = list(post, "single", "post_processor.single");
        Map<String, Object> specials = object(post, "special_tokens", "post_processor.special_tokens");
        List<Integer> before = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        boolean seenSequence = false;
        for (int i = 0; i < single.size(); i++) {
            String where = "post_processor.single[" + i + "]";
            if (!(single.get(i) instanceof Map<?, ?> piece)) {
                throw invalid(where + " is not an object");
            }
            if (piece.containsKey("Sequence")) {
                if (seenSequence) {
                    throw invalid(where + ": a second Sequence in the single template");
                }
                seenSequence = true;
            } else if (piece.get("SpecialToken") instanceof Map<?, ?> st && st.get("id") instanceof String name) {
                if (!(specials.get(name) instanceof Map<?, ?> def) || !(def.get("ids") instanceof List<?> ids) || ids.size() != 1) {
                    throw invalid("post_processor.special_tokens[\"" + name + "\"] missing or not a single id");
                }
                (seenSequence ? after : before).add(intValue(ids.get(0), "post_processor.special_tokens[\"" + name + "\"].ids[0]"));
            } else {
                throw invalid(where + " is neither a Sequence nor a SpecialToken");
            }
        }
        if (before.size() != 1 || after.size() != 1 || !seenSequence) {
            throw unsupported("single template with " + before.size() + " special token(s) before and " + after.size()
                    + " after the sequence (only [CLS] $A [SEP])");
        }
        return new int[] {before.get(0), after.get(0)};
    }

    private int requireId(String token, String what) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw invalid(what + " \"" + token + "\" is not in model.vocab");
        }
        return id;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Map<String, Object> parent, String key, String where) {
        Object v = parent.get(key);
        if (!(v instanceof Map<?, ?>)) {
            throw invalid(where + (v == null ? " is missing" : " is not an object"));
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Map<String, Object> parent, String key, String where) {
        Object v = parent.get(key);
        if (!(v instanceof List<?>)) {
            throw invalid(where + (v == null ? " is missing" : " is not an array"));
        }
        return (List<Object>) v;
    }

    private String string(Map<String, Object> parent, String key, String where) {
        Object v = parent.get(key);
        if (!(v instanceof String s)) {
            throw invalid(where + (v == null ? " is missing" : " is not a string"));
        }
        return s;
    }

    private boolean bool(Map<String, Object> parent, String key, String where) {
        Object v = parent.get(key);
        if (!(v instanceof Boolean b)) {
            throw invalid(where + (v == null ? " is missing" : " is not a boolean"));
        }
        return b;
    }

    private int intValue(Object v, String where) {
        if (!(v instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
            throw invalid(where + " is " + (v == null ? "missing" : "not a non-negative integer: " + v));
        }
        return (int) (long) l;
    }

    private IllegalArgumentException invalid(String what) {
        return new IllegalArgumentException(source + ": " + what);
    }

    private IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException(source + ": unsupported tokenizer option: " + what);
    }

    /** Growable int list without boxing. */
    private static final class IntList {
        private int[] data = new int[32];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        void truncate(int newSize) {
            size = newSize;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
