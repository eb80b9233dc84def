package dev.nanoadam.models.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.nanoadam.models.onnx.MiniLmL6V2;
import dev.nanoadam.models.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WordPieceTokenizer} against the Hugging Face tokenizers library (Rust, through DJL)
 * on all-MiniLM-L6-v2's tokenizer.json: every line of two real corpora (the committed excerpts), hand-picked hard cases,
 * every Unicode code point, and seeded random mixtures. Ids must be equal, token for token.
 */
class WordPieceTokenizerOracleTest {
    private static final int CHUNK = 1000; // texts per oracle call

    @TempDir
    static Path tmp;

    private static WordPieceTokenizer mine;
    private static HuggingFaceTokenizer oracle;
    private static Path json;

    @BeforeAll
    static void load() throws IOException {
        mine = MiniLmL6V2.loadTokenizer();
        json = tmp.resolve("tokenizer.json");
        try (InputStream in = MiniLmL6V2.openTokenizer()) {
            Files.copy(in, json);
        }
        oracle = HuggingFaceTokenizer.builder()
                .optTokenizerPath(json)
                .optAddSpecialTokens(true)
                .optTruncation(false)
                .optPadding(false)
                .build();
    }

    @AfterAll
    static void close() {
        if (oracle != null) {
            oracle.close();
        }
    }

    @Test
    void everyFortuneLine() throws IOException {
        int n = assertSameIds(Corpora.fortuneLines());
        assertTrue(n > 5 * Fixtures.FORTUNE_ENTRIES, "expected every line of the five cookie files, compared " + n);
    }

    @Test
    void everyFortuneWhole() throws IOException {
        int n = assertSameIds(Corpora.fortuneRecords());
        assertTrue(n >= 5 * Fixtures.FORTUNE_ENTRIES, "expected every fortune of the five cookie files, compared " + n);
    }

    @Test
    void everyKjvVerse() throws Exception {
        int n = assertSameIds(Corpora.kjvVerses());
        assertEquals(Fixtures.BIBLE_VERSES, n, "verses in the King James Bible excerpt");
    }

    @Test
    void hardCases() {
        List<String> cases = new ArrayList<>(List.of(
                "", " ", "\t\n\r", "Hello, world!", "HELLO WoRlD",
                // accents, NFD, special lowercase
                "Café naïve résumé coöperate Ångström Øresund", "İstanbul ıi ΣΑΣ ὈΔΥΣΣΕΎΣ", "ﬁnancial ﬂow Ⅻ ㎏ ½",
                "e\u0301 a\u0308\u0323 q\u0307\u0323 \u0301alone", "Straße STRASSE ß ẞ", "Dž ǅ ǆ",
                // scripts
                "我爱北京天安门 日本語のテキスト 한국어 텍스트", "混合English中文mixed", "𠀀𪛖𫠝𬺰 \uD869\uDEDF",
                "Привет, мир! Ёлка", "مرحبا بالعالم", "שָׁלוֹם עולם", "नमस्ते दुनिया", "สวัสดีชาวโลก", "Γειά σου Κόσμε",
                // punctuation, symbols
                "a.b,c;d:e!f?g'h\"i`j~k@l#m$n%o^p&q*r(s)t_u+v=w-x[y]z{|}\\/<>",
                "“smart quotes” ‘single’ «guillemets» — en–dash … ¿¡ ‼ ※ §¶ †‡ •", "2+2=4 $5.00 €5,00 ¥500 100% #1 @user",
                "http://example.com/path?q=1&r=2#frag user@example.org", "C++ C# F# .NET node.js",
                // emoji: faces, skin tones, ZWJ sequences, flags, keycaps, variation selectors
                "😀😃😄 🥰 🫠 🫶🏽 👩‍👩‍👧‍👦 🏳️‍🌈 🇩🇪🇯🇵 1️⃣ ❤️ ♥︎ ✈️", "emoji😀inside😀words",
                // control and invisible characters
                "a\u0000b\u0001c\u0007d\u001Be\u007Ff\u0085g", "zero\u200Bwidth\u200Cnon\u200Djoiner\uFEFFbom",
                "soft\u00ADhyphen", "nb\u00A0sp\u2007fig\u202Fnarrow\u3000ideo", "line\u2028para\u2029sep",
                "tab\there\u000Bvt\u000Cff", "\uFFFDreplacement\uFFFD", "private\uE000use\uF8FF", "bidi\u202Eoverride\u202C",
                "unassigned\u0378here\u0379", "noncharacter\uFFFEthere\uFFFF",
                // special tokens inside text
                "[CLS] [SEP] [PAD] [MASK] [UNK]", "x[SEP]y[CLS]z", "[cls] [Sep] [ CLS ]", "[[SEP]]", "[SEP[SEP]]",
                // long words
                "a".repeat(99), "a".repeat(100), "a".repeat(101), "ab".repeat(50), "ab".repeat(51) + " ok",
                "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
                "é".repeat(100), "e\u0301".repeat(60), "😀".repeat(100), "😀".repeat(101), "中".repeat(300),
                "unaffable unbelievably antidisestablishmentarianism", "x" + "\u0301".repeat(150)));
        assertSameIds(label("hard case", cases));
    }

    @Test
    void everyCodePoint() {
        // Each code point between two letters, so removal, splitting and stripping all show.
        int step = 4096;
        List<Corpora.Text> chunks = new ArrayList<>();
        for (int base = 0; base <= Character.MAX_CODE_POINT; base += step) {
            StringBuilder sb = new StringBuilder();
            for (int cp = base; cp < base + step && cp <= Character.MAX_CODE_POINT; cp++) {
                if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                    sb.append('a').appendCodePoint(cp).append("b ");
                }
            }
            chunks.add(new Corpora.Text(String.format("code points U+%04X..U+%04X", base,
                    Math.min(base + step - 1, Character.MAX_CODE_POINT)), sb.toString()));
        }
        List<String> failures = new ArrayList<>();
        for (Corpora.Text chunk : chunks) {
            if (Arrays.equals(toLong(mine.encode(chunk.text())), oracle.encode(chunk.text()).getIds())) {
                continue;
            }
            int base = Integer.parseInt(chunk.where().substring(13, chunk.where().indexOf('.')), 16);
            for (int cp = base; cp < base + step && failures.size() < 10; cp++) {
                if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                    continue;
                }
                String one = "a" + Character.toString(cp) + "b";
                long[] want = oracle.encode(one).getIds();
                int[] got = mine.encode(one);
                if (!Arrays.equals(toLong(got), want)) {
                    failures.add(String.format("U+%04X (%s): want %s got %s", cp, Character.getName(cp),
                            Arrays.toString(want), Arrays.toString(got)));
                }
            }
        }
        assertTrue(failures.isEmpty(), "code points tokenised differently:\n" + String.join("\n", failures));
    }

    @Test
    void seededRandomMixtures() {
        long seed = 20250917L;
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] pool = {
            "the", "The", "THE", "quick", "brown", "fox", "jumps", "unaffable", "naïve", "Café", "İ", "ß", "Σ",
            "中", "文", "日本", "한국", "ไทย", "ру́сский", "😀", "👩‍👧", "🇫🇷", "\u0301", "\u0308", "\u200B", "\u200D",
            "\uFEFF", "\u00AD", "\u0000", "\u0007", "\u0085", "\u00A0", "\u3000", "\u2028", "\t", "\n", "\r", " ", "  ",
            ".", ",", "!", "?", "'", "\"", "(", ")", "[", "]", "{", "}", "-", "—", "…", "“", "”", "¿", "$", "€", "%", "^",
            "`", "~", "|", "\\", "/", "@", "#", "&", "*", "+", "=", "<", ">", "_", "0", "42", "3.14", "1,000",
            "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[CL", "S]", "[", "SEP", "##", "##ing", "ing", "ly",
            "\uD83E\uDEE0", "\u0378", "\uE000", "\uFFFD", "ﬁ", "Ⅻ", "①", "ｆｕｌｌ", "ｗｉｄｔｈ",
        };
        List<Corpora.Text> texts = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int parts = 1 + rnd.nextInt(i % 10 == 0 ? 400 : 40);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < parts; k++) {
                sb.append(pool[rnd.nextInt(pool.length)]);
                if (rnd.nextInt(3) == 0) {
                    sb.append(' ');
                }
            }
            texts.add(new Corpora.Text("random text " + i + " (seed " + seed + ")", sb.toString()));
        }
        assertSameIds(texts);
    }

    @Test
    void truncationAndPaddingMatchTheOracle() throws Exception {
        List<Corpora.Text> verses = Corpora.kjvVerses();
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < verses.size(); i += 97) {
            batch.add(verses.get(i).text());
        }
        batch.add("");
        batch.add("Jesus wept.");
        for (int maxLength : new int[] {2, 3, 16, 40, 128}) {
            try (HuggingFaceTokenizer truncating = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(json)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadding(true)
                    .build()) {
                Encoding[] want = truncating.batchEncode(batch);
                BatchEncoding got = mine.encodeBatch(batch, maxLength);
                assertEquals(batch.size(), got.batchSize());
                for (int i = 0; i < batch.size(); i++) {
                    String where = "maxLength " + maxLength + ", row " + i + " '" + batch.get(i) + "'";
                    assertEquals(want[i].getIds().length, got.seqLen(), where + ": padded length");
                    assertArrayEquals(want[i].getIds(),
                            toLong(Arrays.copyOfRange(got.inputIds(), i * got.seqLen(), (i + 1) * got.seqLen())), where + ": ids");
                    assertArrayEquals(want[i].getAttentionMask(),
                            toLong(Arrays.copyOfRange(got.attentionMask(), i * got.seqLen(), (i + 1) * got.seqLen())),
                            where + ": attention mask");
                    assertArrayEquals(want[i].getTypeIds(),
                            toLong(Arrays.copyOfRange(got.tokenTypeIds(), i * got.seqLen(), (i + 1) * got.seqLen())),
                            where + ": token types");
                }
            }
        }
    }

    /** Compares every text's ids with the oracle's; fails listing the first few differences and the count. */
    private static int assertSameIds(List<Corpora.Text> texts) {
        List<String> failures = new ArrayList<>();
        int mismatches = 0;
        for (int start = 0; start < texts.size(); start += CHUNK) {
            List<Corpora.Text> part = texts.subList(start, Math.min(texts.size(), start + CHUNK));
            List<String> strings = new ArrayList<>(part.size());
            for (Corpora.Text t : part) {
                strings.add(t.text());
            }
            Encoding[] want = oracle.batchEncode(strings);
            for (int i = 0; i < part.size(); i++) {
                long[] got = toLong(mine.encode(strings.get(i)));
                if (!Arrays.equals(got, want[i].getIds())) {
                    mismatches++;
                    if (failures.size() < 5) {
                        failures.add(part.get(i).where() + " " + escape(strings.get(i)) + "\n  want " + Arrays.toString(want[i].getIds())
                                + "\n  got  " + Arrays.toString(got));
                    }
                }
            }
        }
        if (mismatches > 0) {
            fail(mismatches + " of " + texts.size() + " texts tokenised differently, first ones:\n" + String.join("\n", failures));
        }
        return texts.size();
    }

    private static List<Corpora.Text> label(String what, List<String> texts) {
        List<Corpora.Text> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            out.add(new Corpora.Text(what + " " + i, texts.get(i)));
        }
        return out;
    }

    private static long[] toLong(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder("'");
        s.codePoints().limit(200).forEach(cp -> {
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || Character.getType(cp) == Character.FORMAT) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append(s.codePointCount(0, s.length()) > 200 ? "...'" : "'").toString();
    }
}
