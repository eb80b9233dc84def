package dev.nanoadam.models.text;

import java.text.Normalizer;

/**
 * The BERT text normaliser of Hugging Face tokenizers ({@code "type": "BertNormalizer"}), applied
 * as four passes in this order, each switched by the tokenizer file:
 * <ol>
 *   <li>clean_text: drop U+0000, U+FFFD and control characters (general categories Cc, Cf, Co, Cs,
 *       except tab, newline and carriage return; unassigned code points stay), then turn every whitespace character
 *       (tab, newline, carriage return and the Unicode White_Space property) into a space;</li>
 *   <li>handle_chinese_chars: put a space on both sides of every CJK ideograph;</li>
 *   <li>strip_accents (defaults to lowercase when the file gives null): canonical decomposition
 *       (NFD), then drop non-spacing marks (Mn);</li>
 *   <li>lowercase: the full Unicode lowercase of each character on its own (so U+0130 becomes
 *       "i" + U+0307, and a final sigma is not context-dependent).</li>
 * </ol>
 * Categories are those of Unicode 8.0, as the reference implementation uses ({@link BertCharClass}).
 */
final class BertNormalizer {
    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;

    BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
    }

    String normalize(String text) {
        String s = text;
        if (cleanText || handleChineseChars) {
            StringBuilder sb = new StringBuilder(s.length() + 8);
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cleanText) {
                    if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                        continue;
                    }
                    if (isWhitespace(cp)) {
                        cp = ' ';
                    }
                }
                if (handleChineseChars && isChinese(cp)) {
                    sb.append(' ').appendCodePoint(cp).append(' ');
                } else {
                    sb.appendCodePoint(cp);
                }
            }
            s = sb.toString();
        }
        if (stripAccents) {
            String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder sb = new StringBuilder(nfd.length());
            for (int i = 0; i < nfd.length(); ) {
                int cp = nfd.codePointAt(i);
                i += Character.charCount(cp);
                if (BertCharClass.of(cp) != BertCharClass.MARK) {
                    sb.appendCodePoint(cp);
                }
            }
            s = sb.toString();
        }
        if (lowercase) {
            StringBuilder sb = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == 0x0130) {
                    // The one unconditional multi-character lowercase mapping (SpecialCasing.txt).
                    sb.append('i').append('\u0307');
                } else {
                    sb.appendCodePoint(Character.toLowerCase(cp));
                }
            }
            s = sb.toString();
        }
        return s;
    }

    /** Control in BERT's sense: categories Cc, Cf, Co, Cs (Unicode 8.0), but not tab, newline, carriage return. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        return BertCharClass.of(cp) == BertCharClass.CONTROL;
    }

    /**
     * The Unicode White_Space property (not Java's {@code isWhitespace}, which leaves out the
     * no-break spaces and adds U+001C..U+001F).
     */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /** The CJK ideograph blocks BERT spaces out (Unified Ideographs, Extensions A-E, compatibility). */
    static boolean isChinese(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
