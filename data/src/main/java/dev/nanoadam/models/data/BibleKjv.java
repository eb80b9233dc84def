package dev.nanoadam.models.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The King James Bible as installed by the Debian package {@code bible-kjv-text} in
 * {@value #DEFAULT_FILE}, the data file of Chip Chapin's Bible Retrieval System: 31102 verses,
 * one per line, each starting with its reference ({@code Ge1:1 In the beginning ...}).
 *
 * <p>File layout (big-endian integers): {@code "EC"} magic, {@code "02"} version, an 80-byte
 * description, the window size {@code W} and window count {@code N}, then {@code N + 1} file
 * offsets: window {@code i} of the text (bytes {@code [iW, (i+1)W)}) is the LZW code stream
 * between offsets {@code i} and {@code i + 1} (see {@link WindowedLzw}). A {@code compress}
 * header ({@code 1F 9D} and a flags byte) may sit between the table and the first window.
 */
public final class BibleKjv {
    /** Where the Debian package {@code bible-kjv-text} installs the text. */
    public static final String DEFAULT_FILE = "/usr/lib/bible.data";
    /** The Debian package that provides the file. */
    public static final String PACKAGE = "bible-kjv-text";
    private static final int HEADER = 92;              // magic, version, description, window size and count
    private static final int MAX_WINDOW = 1 << 24;     // the shipped file uses 64 KiB windows
    private static final long MAX_TEXT = 256L << 20;   // the shipped text is 4.4 MB
    private static final Pattern VERSE = Pattern.compile("(\\d?[A-Za-z]+)(\\d+):(\\d+) (.*)");

    private BibleKjv() {
    }

    /** One verse: book abbreviation as the file spells it ({@code Ge}, {@code 1Sm}, {@code Rev}), chapter, verse, text. */
    public record Verse(String book, int chapter, int verse, String text) {
        /** The reference as the file writes it, e.g. {@code Ge1:1}. */
        public String reference() {
            return book + chapter + ":" + verse;
        }
    }

    /** Every verse of {@value #DEFAULT_FILE}, in order. */
    public static List<Verse> read() throws IOException {
        return read(Path.of(DEFAULT_FILE));
    }

    /**
     * Every verse of a Bible Retrieval System data file, in order.
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetFormatException naming what is wrong with the header, a window, or a line
     */
    public static List<Verse> read(Path file) throws IOException {
        String text = Utf8.decode(file, decompress(file));
        List<Verse> verses = new ArrayList<>(31102);
        int pos = text.indexOf('\n') + 1; // the first line is the text's title
        if (pos == 0) {
            throw new DatasetFormatException(file, "decompressed text has no line break");
        }
        int lineNo = 1;
        while (pos < text.length()) {
            lineNo++;
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                end = text.length();
            }
            if (end > pos) {
                Matcher m = VERSE.matcher(text.substring(pos, end));
                if (!m.matches()) {
                    throw new DatasetFormatException(file, "line " + lineNo + " of the text does not start with a reference like 'Ge1:1 ': '"
                            + text.substring(pos, Math.min(end, pos + 40)) + "'");
                }
                verses.add(new Verse(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4)));
            }
            pos = end + 1;
        }
        return verses;
    }

    /** The whole decompressed text of a Bible Retrieval System data file. */
    public static byte[] decompress(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("King James Bible text", file, "install the Debian package " + PACKAGE);
        }
        long size = Files.size(file);
        if (size < HEADER) {
            throw new DatasetFormatException(file, "file is " + size + " bytes, shorter than the " + HEADER + "-byte header");
        }
        if (size > MAX_TEXT) {
            throw new DatasetFormatException(file, "file is " + size + " bytes, too large for a Bible text");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes[0] != 'E' || bytes[1] != 'C') {
            throw new DatasetFormatException(file, String.format("bad magic %02X %02X: expected 'EC'", bytes[0] & 0xFF, bytes[1] & 0xFF));
        }
        if (bytes[2] != '0' || bytes[3] != '2') {
            throw new DatasetFormatException(file, "unsupported format version '" + (char) (bytes[2] & 0xFF) + (char) (bytes[3] & 0xFF)
                    + "': expected '02'");
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int windowSize = bb.getInt(84);
        int windows = bb.getInt(88);
        if (windowSize < 1 || windowSize > MAX_WINDOW) {
            throw new DatasetFormatException(file, "window size " + windowSize + " is outside [1, " + MAX_WINDOW + "]");
        }
        long tableEnd = HEADER + 4L * (windows + 1L);
        if (windows < 1 || tableEnd > size || (long) windows * windowSize > MAX_TEXT) {
            throw new DatasetFormatException(file, "window count " + windows + " does not fit a file of " + size + " bytes");
        }
        int[] offsets = new int[windows + 1];
        for (int i = 0; i <= windows; i++) {
            offsets[i] = bb.getInt(HEADER + 4 * i);
            long previous = i == 0 ? tableEnd : offsets[i - 1];
            if (offsets[i] < previous || offsets[i] > size) {
                throw new DatasetFormatException(file, "window table entry " + i + " (" + offsets[i]
                        + ") is outside [" + previous + ", " + size + "]");
            }
        }
        if (offsets[windows] != size) {
            throw new DatasetFormatException(file, "the window table ends at byte " + offsets[windows] + " but the file has "
                    + size + " bytes");
        }
        int maxBits = 16;
        boolean blockMode = true;
        int gap = offsets[0] - (int) tableEnd;
        if (gap >= 3 && (bytes[(int) tableEnd] & 0xFF) == 0x1F && (bytes[(int) tableEnd + 1] & 0xFF) == 0x9D) {
            int flags = bytes[(int) tableEnd + 2] & 0xFF;
            maxBits = flags & 0x1F;
            blockMode = (flags & 0x80) != 0;
            if (maxBits < 9 || maxBits > 16) {
                throw new DatasetFormatException(file, "compress header gives " + maxBits + " bits per code; expected 9 to 16");
            }
        }
        byte[] text = new byte[windows * windowSize];
        WindowedLzw lzw = new WindowedLzw(file, maxBits, blockMode);
        int length = 0;
        for (int w = 0; w < windows; w++) {
            int n = lzw.decode(w, bytes, offsets[w], offsets[w + 1], text, w * windowSize, windowSize);
            if (w < windows - 1 && n != windowSize) {
                throw new DatasetFormatException(file, "compressed window " + w + " decodes to " + n + " bytes, expected "
                        + windowSize);
            }
            length = w * windowSize + n;
        }
        return java.util.Arrays.copyOf(text, length);
    }
}
