package dev.nanoadam.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.Batch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WordPieceTokenizer} on a handmade tokenizer.json whose answers can be worked out by hand. */
class WordPieceTokenizerTest {
    /** Vocabulary ids: 0 [PAD], 1 [UNK], 2 [CLS], 3 [SEP], then word pieces. */
    private static final String VOCAB = "\"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, \"un\": 4, \"##aff\": 5,"
            + " \"##able\": 6, \"aff\": 7, \"##a\": 8, \"a\": 9, \",\": 10, \"!\": 11, \"cafe\": 12, \"中\": 13, \"x\": 14,"
            + " \"##x\": 15, \"unaffable\": 16, \"i\": 17, \"##\u0307\": 18, \"$\": 19";

    static String json(String normalizer, String addedExtra, String model) {
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null,"
                + " \"added_tokens\": [{\"id\": 0, \"content\": \"[PAD]\", \"single_word\": false, \"lstrip\": false,"
                + " \"rstrip\": false, \"normalized\": false, \"special\": true},"
                + " {\"id\": 2, \"content\": \"[CLS]\", \"normalized\": false, \"special\": true},"
                + " {\"id\": 3, \"content\": \"[SEP]\", \"normalized\": false, \"special\": true}" + addedExtra + "],"
                + " \"normalizer\": " + normalizer + ","
                + " \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},"
                + " \"post_processor\": {\"type\": \"TemplateProcessing\","
                + "   \"single\": [{\"SpecialToken\": {\"id\": \"[CLS]\", \"type_id\": 0}}, {\"Sequence\": {\"id\": \"A\", \"type_id\": 0}},"
                + "              {\"SpecialToken\": {\"id\": \"[SEP]\", \"type_id\": 0}}],"
                + "   \"special_tokens\": {\"[CLS]\": {\"id\": \"[CLS]\", \"ids\": [2], \"tokens\": [\"[CLS]\"]},"
                + "                      \"[SEP]\": {\"id\": \"[SEP]\", \"ids\": [3], \"tokens\": [\"[SEP]\"]}}},"
                + " \"decoder\": null, \"model\": " + model + "}";
    }

    static final String BERT_NORMALIZER =
            "{\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": true, \"strip_accents\": null, \"lowercase\": true}";
    static final String WORDPIECE = "{\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\","
            + " \"max_input_chars_per_word\": 6, \"vocab\": {" + VOCAB + "}}";

    private static WordPieceTokenizer tok() {
        return WordPieceTokenizer.fromJson(json(BERT_NORMALIZER, "", WORDPIECE), "small.json");
    }

    @Test
    void greedyLongestMatchWithContinuations() {
        WordPieceTokenizer t = tok();
        // "unaffable" is 9 code points, over the limit of 6: one [UNK] although the vocabulary has it.
        assertEquals(List.of("[UNK]"), t.tokenize("unaffable"));
        assertEquals(List.of("un", "##aff"), t.tokenize("unaff"));
        assertEquals(List.of("a", "##a", "##a"), t.tokenize("aaa"));
        assertEquals(List.of("x", "##x", "##x", "##x", "##x", "##x"), t.tokenize("xxxxxx"));
        assertEquals(List.of("[UNK]"), t.tokenize("xxxxxxx"), "7 code points > max_input_chars_per_word 6");
        assertEquals(List.of("[UNK]"), t.tokenize("unb"), "'##b' is missing, so the whole word is unknown");
        assertEquals(List.of("a", "[UNK]", "x"), t.tokenize("a unb x"));
    }

    @Test
    void normalisesSplitsAndWraps() {
        WordPieceTokenizer t = tok();
        assertEquals(List.of("cafe", ",", "a", "!"), t.tokenize("  CAFÉ,A! "));
        assertEquals(List.of("x", "中", "x"), t.tokenize("x中x"), "CJK ideographs become words of their own");
        assertEquals(List.of("x", "$", "x"), t.tokenize("x$x"), "ASCII symbols split like punctuation");
        assertEquals(List.of("ax"), List.of(String.join("", t.tokenize("a\u0000\u200Bx")).replace("##", "")),
                "NUL and format characters vanish without splitting");
        assertEquals(List.of("a", "x"), t.tokenize("a\u00A0x"), "no-break space is whitespace");
        assertEquals(List.of("i"), t.tokenize("\u0130"), "U+0130 decomposes to I + U+0307, the mark is stripped, I lowercased");
        assertArrayEquals(new int[] {2, 4, 5, 3}, t.encode("unaff"));
        assertArrayEquals(new int[] {2, 3}, t.encode(""));
        assertArrayEquals(new int[] {2, 2, 9, 3, 14, 3}, t.encode("[CLS]a[SEP]x"), "added tokens cut from the raw text");
        assertArrayEquals(new int[] {2, 1, 1, 1, 3}, t.encode("[cls]"), "added tokens match case-sensitively: \"[\", \"cls\", \"]\" are three unknown words");
    }

    @Test
    void truncationKeepsSpecialTokens() {
        WordPieceTokenizer t = tok();
        assertArrayEquals(new int[] {2, 9, 14, 9, 3}, t.encode("a x a x a x", 5));
        assertArrayEquals(new int[] {2, 3}, t.encode("a x a", 2));
        assertArrayEquals(t.encode("a x"), t.encode("a x", 100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.encode("a", 1));
        assertTrue(e.getMessage().contains("maxLength 1"), e.getMessage());
    }

    @Test
    void batchesArePaddedWithMasks() {
        WordPieceTokenizer t = tok();
        BatchEncoding b = t.encodeBatch(List.of("a", "x a x", ""), 4);
        assertEquals(3, b.batchSize());
        assertEquals(4, b.seqLen());
        assertArrayEquals(new int[] {2, 9, 3, 0, /**/ 2, 14, 9, 3, /**/ 2, 3, 0, 0}, b.inputIds());
        assertArrayEquals(new int[] {1, 1, 1, 0, /**/ 1, 1, 1, 1, /**/ 1, 1, 0, 0}, b.attentionMask());
        assertArrayEquals(new int[12], b.tokenTypeIds());
        assertArrayEquals(new int[] {3, 4, 2}, b.lengths());
        assertArrayEquals(new int[] {2, 14, 9, 3}, b.ids(1));
        Batch batch = b.toBatch(new int[] {0, 1, 0});
        assertEquals(3, batch.size());
        assertEquals(4, batch.seqLen());
        assertArrayEquals(b.inputIds(), batch.tokenIds());
        assertThrows(IllegalArgumentException.class, () -> b.toBatch(new int[2]));
        assertThrows(IllegalArgumentException.class, () -> t.encodeBatch(List.of(), 8));
        assertThrows(IllegalArgumentException.class, () -> new BatchEncoding(2, 3, new int[6], new int[6], new int[5], new int[2]));
    }

    @Test
    void vocabularyAccess() {
        WordPieceTokenizer t = tok();
        assertEquals(20, t.vocabSize());
        assertEquals(5, t.id("##aff"));
        assertEquals(-1, t.id("zzz"));
        assertEquals("##able", t.token(6));
        assertEquals(2, t.clsId());
        assertEquals(3, t.sepId());
        assertEquals(0, t.padId());
        assertEquals(1, t.unkId());
        assertEquals(-1, t.configuredMaxLength());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.token(99));
        assertTrue(e.getMessage().contains("small.json"), e.getMessage());
    }

    @Test
    void accentsKeptWhenConfiguredSo() {
        String keep = "{\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": true,"
                + " \"strip_accents\": false, \"lowercase\": true}";
        WordPieceTokenizer t = WordPieceTokenizer.fromJson(json(keep, "", WORDPIECE), "keep.json");
        assertEquals(List.of("[UNK]"), t.tokenize("café"), "é stays, and 'café' is not in the vocabulary");
        assertEquals(List.of("i", "##\u0307"), t.tokenize("\u0130"), "U+0130 lowercases to i + U+0307, kept");
        String noLower = "{\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": false,"
                + " \"strip_accents\": null, \"lowercase\": false}";
        WordPieceTokenizer u = WordPieceTokenizer.fromJson(json(noLower, "", WORDPIECE), "upper.json");
        assertEquals(List.of("[UNK]"), u.tokenize("A"), "no lowercasing, and strip_accents null follows lowercase = false");
        assertEquals(List.of("[UNK]"), u.tokenize("x中x"), "without CJK spacing the three characters stay one word");
    }

    @Test
    void unsupportedOrBrokenFilesAreRefusedByName() {
        String[][] cases = {
            {json("{\"type\": \"Lowercase\"}", "", WORDPIECE), "unsupported tokenizer option: normalizer.type \"Lowercase\""},
            {json(BERT_NORMALIZER, ", {\"id\": 4, \"content\": \"un\", \"lstrip\": true, \"normalized\": false}", WORDPIECE),
                "added_tokens[3] (\"un\") sets lstrip"},
            {json(BERT_NORMALIZER, ", {\"id\": 4, \"content\": \"un\", \"normalized\": true}", WORDPIECE),
                "added_tokens[3] (\"un\") sets normalized"},
            {json(BERT_NORMALIZER, "", "{\"type\": \"BPE\", \"vocab\": {}}"), "model.type \"BPE\" (only WordPiece)"},
            {json(BERT_NORMALIZER, "", WORDPIECE.replace("\"[UNK]\", \"contin", "\"<unk>\", \"contin")),
                "model.unk_token \"<unk>\" is not in model.vocab"},
            {json(BERT_NORMALIZER, "", WORDPIECE.replace("\"max_input_chars_per_word\": 6", "\"max_input_chars_per_word\": -6")),
                "model.max_input_chars_per_word is not a non-negative integer: -6"},
            {json(BERT_NORMALIZER, "", WORDPIECE.replace("\"##aff\": 5", "\"##aff\": 4")), "model.vocab gives id 4 to both"},
            {json(BERT_NORMALIZER, "", WORDPIECE).replace("\"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},", ""),
                "pre_tokenizer is missing"},
            {"[1, 2]", "top level of a tokenizer.json must be an object"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WordPieceTokenizer.fromJson(c[0], "bad.json"), "accepted a file that should fail with " + c[1]);
            assertTrue(e.getMessage().startsWith("bad.json: "), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), "expected '" + c[1] + "' in: " + e.getMessage());
        }
    }

    @Test
    void unicode8AssignmentTable() {
        assertTrue(BertCharClass.assignedInUnicode8('A'));
        assertTrue(BertCharClass.assignedInUnicode8(0x1F600), "U+1F600 GRINNING FACE, Unicode 6.1");
        assertFalse(BertCharClass.assignedInUnicode8(0x1F970), "U+1F970 SMILING FACE WITH HEARTS, Unicode 11.0");
        assertFalse(BertCharClass.assignedInUnicode8(0x08E2), "U+08E2 ARABIC DISPUTED END OF AYAH, Unicode 9.0");
        assertFalse(BertCharClass.assignedInUnicode8(0x0378), "never assigned");
        assertTrue(BertCharClass.assignedInUnicode8(0x10FFFD), "plane 16 private use");
        assertEquals(BertCharClass.CONTROL, BertCharClass.of(0x200B), "ZERO WIDTH SPACE is Cf");
        assertEquals(BertCharClass.OTHER, BertCharClass.of(0x08E2), "a Cf of Unicode 9.0 is plain text to BERT");
        assertEquals(BertCharClass.PUNCTUATION, BertCharClass.of(0x166D), "Po in 8.0 although So now");
        assertEquals(BertCharClass.MARK, BertCharClass.of(0x0301));
        assertEquals(BertCharClass.PUNCTUATION, BertCharClass.of(0x2014), "EM DASH");
        assertEquals(BertCharClass.OTHER, BertCharClass.of(0x2E5D), "OBLIQUE HYPHEN, Unicode 14.0 punctuation");
    }
}
