package dev.nanoadam.models.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The character classes BERT's normaliser and pre-tokenizer act on, as the Hugging Face
 * tokenizers library computes them. That library takes general categories from tables of
 * Unicode 8.0, so characters added later (an Arabic punctuation mark of Unicode 14, a format
 * character of Unicode 9) are ordinary characters to it: not removed as control, not stripped
 * as accents, not split off as punctuation. Here the JDK's categories are used for code points
 * assigned in Unicode 8.0 (the resource {@code unicode-8.0-assigned.txt}, from DerivedAge.txt)
 * and every later code point is {@link #OTHER}; the seven characters whose category changed
 * between 8.0 and the JDK's Unicode version keep their 8.0 class. Unassigned code points are
 * {@link #OTHER} as well (the library keeps them as text).
 */
final class BertCharClass {
    /** Anything the BERT pipeline treats as plain text. */
    static final int OTHER = 0;
    /** Cc, Cf, Co, Cs: removed by clean_text (tab, newline, carriage return aside). */
    static final int CONTROL = 1;
    /** Mn: removed by strip_accents after NFD. */
    static final int MARK = 2;
    /** Pc, Pd, Ps, Pe, Pi, Pf, Po: a word of its own in the pre-tokenizer. */
    static final int PUNCTUATION = 3;

    private static final String RESOURCE = "unicode-8.0-assigned.txt";
    private static final int[] STARTS; // [ranges] first code point of each Unicode 8.0 assigned range, ascending
    private static final int[] ENDS;   // [ranges] last code point of the same range

    /**
     * Code points whose general category changed after Unicode 8.0, with their 8.0 class (found
     * by comparing every code point against the reference implementation; names from the UCD).
     */
    private static final int[][] CHANGED = {
        {0x166D, PUNCTUATION}, // CANADIAN SYLLABICS CHI SIGN: Po in 8.0, So in the JDK 25 tables
        {0x1734, MARK},        // HANUNOO SIGN PAMUDPOD: Mn in 8.0, Mc in the JDK 25 tables
        {0x1885, OTHER},       // MONGOLIAN LETTER ALI GALI BALUDA: Lo in 8.0, Mn in the JDK 25 tables
        {0x1886, OTHER},       // MONGOLIAN LETTER ALI GALI THREE BALUDA: Lo in 8.0, Mn in the JDK 25 tables
        {0xA9BD, OTHER},       // JAVANESE CONSONANT SIGN KERET: Mc in 8.0, Mn in the JDK 25 tables
        {0x111C9, PUNCTUATION}, // SHARADA SANDHI MARK: Po in 8.0, Mn in the JDK 25 tables
        {0x1171E, MARK},       // AHOM CONSONANT SIGN MEDIAL RA: Mn in 8.0, Mc in the JDK 25 tables
    };

    static {
        int[][] ranges = load();
        STARTS = ranges[0];
        ENDS = ranges[1];
    }

    private BertCharClass() {
    }

    /** The class of {@code cp} under Unicode 8.0 categories. */
    static int of(int cp) {
        int now = jdkClass(cp);
        if (cp < 0x80) {
            return now; // ASCII: assigned since 1.1, never recategorised
        }
        for (int[] c : CHANGED) {
            if (c[0] == cp) {
                return c[1];
            }
        }
        if (now == OTHER) {
            return OTHER;
        }
        return assignedInUnicode8(cp) ? now : OTHER;
    }

    /** Whether {@code cp} was assigned in Unicode 8.0. */
    static boolean assignedInUnicode8(int cp) {
        int i = Arrays.binarySearch(STARTS, cp);
        if (i >= 0) {
            return true;
        }
        int range = -i - 2; // the last range starting before cp
        return range >= 0 && cp <= ENDS[range];
    }

    private static int jdkClass(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE -> CONTROL;
            case Character.NON_SPACING_MARK -> MARK;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> PUNCTUATION;
            default -> OTHER;
        };
    }

    private static int[][] load() {
        int[] starts = new int[1024];
        int[] ends = new int[1024];
        int n = 0;
        InputStream in = BertCharClass.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("resource " + BertCharClass.class.getPackageName().replace('.', '/') + "/"
                    + RESOURCE + " missing from the classpath (it ships in the nanoadam-models jar)");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                int start;
                int end;
                try {
                    start = Integer.parseInt(parts[0], 16);
                    end = Integer.parseInt(parts[1], 16);
                } catch (RuntimeException e) {
                    throw new IllegalStateException(RESOURCE + " line " + lineNo + ": expected two hex code points, got '" + line + "'", e);
                }
                if (end < start || (n > 0 && start <= ends[n - 1])) {
                    throw new IllegalStateException(RESOURCE + " line " + lineNo + ": range " + line + " is empty or out of order");
                }
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                    ends = Arrays.copyOf(ends, n * 2);
                }
                starts[n] = start;
                ends[n] = end;
                n++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
        return new int[][] {Arrays.copyOf(starts, n), Arrays.copyOf(ends, n)};
    }
}
