package dev.nanoadam.models.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * scikit-learn's optical-recognition digits: 1797 images of 8x8 pixels with values 0..16 and a
 * label 0..9, shipped by the Debian package {@code python3-sklearn} as {@value #DEFAULT_FILE}:
 * one example per line, 65 comma-separated integers (64 pixels row by row, then the label).
 * The file may be gzipped or plain; that is detected from its first bytes. There is no official
 * split: use {@link Datasets#split}.
 */
public final class Digits {
    /** Where the Debian package {@code python3-sklearn} installs the file. */
    public static final String DEFAULT_FILE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
    /** The Debian package that provides the file. */
    public static final String PACKAGE = "python3-sklearn";
    /** Largest pixel value. */
    public static final int MAX_PIXEL = 16;
    private static final int SIDE = 8;
    private static final int PIXELS = SIDE * SIDE;
    private static final int MAX_EXAMPLES = 1 << 20; // far more than the 1797 shipped; stops runaway input

    private Digits() {
    }

    /** All examples from {@value #DEFAULT_FILE}, pixels scaled to [0, 1]. */
    public static ImageDataset load() throws IOException {
        return load(Path.of(DEFAULT_FILE));
    }

    /**
     * All examples of a digits CSV file, pixels scaled to [0, 1] (divided by 16).
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetFormatException naming the line and column of a malformed value
     */
    public static ImageDataset load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("scikit-learn digits", file, "install the Debian package " + PACKAGE);
        }
        byte[] text;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1F && raw.read() == 0x8B;
            raw.reset();
            try (InputStream in = gzip ? new GZIPInputStream(raw) : raw) {
                text = in.readNBytes(64 << 20);
                if (in.read() != -1) {
                    throw new DatasetFormatException(file, "more than 64 MiB of text; not a digits file");
                }
            }
        } catch (ZipException | EOFException e) {
            throw new DatasetFormatException(file, "corrupt or truncated gzip stream: " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    private static ImageDataset parse(Path file, byte[] text) throws DatasetFormatException {
        int lines = 0;
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '\n' && (i == 0 || text[i - 1] != '\n')) {
                lines++;
            }
        }
        if (text.length > 0 && text[text.length - 1] != '\n') {
            lines++;
        }
        if (lines > MAX_EXAMPLES) {
            throw new DatasetFormatException(file, lines + " lines, more than " + MAX_EXAMPLES + " examples");
        }
        byte[] pixels = new byte[lines * PIXELS];
        int[] labels = new int[lines];
        int example = 0;
        int pos = 0;
        int lineNo = 0;
        while (pos < text.length) {
            lineNo++;
            int end = pos;
            while (end < text.length && text[end] != '\n') {
                end++;
            }
            int lineEnd = end > pos && text[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd == pos) {
                pos = end + 1; // blank line (e.g. the final newline)
                continue;
            }
            int column = 0;
            int p = pos;
            while (p <= lineEnd) {
                int start = p;
                int value = 0;
                while (p < lineEnd && text[p] >= '0' && text[p] <= '9' && p - start < 6) {
                    value = value * 10 + (text[p] - '0');
                    p++;
                }
                if (p == start || (p < lineEnd && text[p] != ',')) {
                    throw new DatasetFormatException(file, "line " + lineNo + ", column " + (column + 1)
                            + ": expected a non-negative integer, found '" + snippet(text, start, lineEnd) + "'");
                }
                if (column < PIXELS) {
                    if (value > MAX_PIXEL) {
                        throw new DatasetFormatException(file, "line " + lineNo + ", column " + (column + 1)
                                + ": pixel value " + value + " is outside [0, " + MAX_PIXEL + "]");
                    }
                    pixels[example * PIXELS + column] = (byte) value;
                } else if (column == PIXELS) {
                    if (value > 9) {
                        throw new DatasetFormatException(file, "line " + lineNo + ": label " + value + " is outside [0, 9]");
                    }
                    labels[example] = value;
                } else {
                    throw new DatasetFormatException(file, "line " + lineNo + ": more than " + (PIXELS + 1) + " values");
                }
                column++;
                p++; // past the comma (or the line end)
            }
            if (column != PIXELS + 1) {
                throw new DatasetFormatException(file, "line " + lineNo + ": " + column + " values, expected "
                        + (PIXELS + 1) + " (64 pixels and a label)");
            }
            example++;
            pos = end + 1;
        }
        if (example == 0) {
            throw new DatasetFormatException(file, "no examples");
        }
        if (example < lines) {
            pixels = java.util.Arrays.copyOf(pixels, example * PIXELS);
            labels = java.util.Arrays.copyOf(labels, example);
        }
        return new ImageDataset("digits", 10, 1, SIDE, SIDE, pixels, labels, 1f / MAX_PIXEL);
    }

    private static String snippet(byte[] text, int from, int to) {
        int end = Math.min(to, from + 12);
        int stop = from;
        while (stop < end && text[stop] != ',') {
            stop++;
        }
        return new String(text, from, stop - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
