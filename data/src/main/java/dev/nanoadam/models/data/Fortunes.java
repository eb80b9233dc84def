package dev.nanoadam.models.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fortune cookie files of the Debian package {@code fortunes}, under {@value #DEFAULT_DIR}:
 * plain text where a line holding only {@code %} ends each entry. Each cookie file sits beside
 * its {@code strfile} index {@code NAME.dat}; that is how {@link #names} tells cookie files from
 * the rest of the folder (the {@code .u8} names are links to the same files).
 */
public final class Fortunes {
    /** Where the Debian package {@code fortunes} installs the cookie files. */
    public static final String DEFAULT_DIR = "/usr/share/games/fortunes";
    /** The Debian package that provides the files. */
    public static final String PACKAGE = "fortunes";
    private static final long MAX_FILE_BYTES = 64L << 20; // the largest Debian cookie file is under 1 MiB

    private Fortunes() {
    }

    /** The cookie files in {@value #DEFAULT_DIR}, sorted by name. */
    public static List<String> names() throws IOException {
        return names(Path.of(DEFAULT_DIR));
    }

    /**
     * The cookie files in {@code dir}: regular files (not links) with a {@code .dat} index beside
     * them, sorted by name.
     *
     * @throws DatasetNotFoundException if the directory does not exist or holds none
     */
    public static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new DatasetNotFoundException("fortune cookie files", dir, "install the Debian package " + PACKAGE);
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.endsWith(".dat") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && Files.isRegularFile(dir.resolve(name + ".dat"))) {
                    names.add(name);
                }
            }
        }
        if (names.isEmpty()) {
            throw new DatasetNotFoundException("fortune cookie files", dir, "install the Debian package " + PACKAGE);
        }
        names.sort(null);
        return names;
    }

    /** The entries of cookie file {@code name} in {@value #DEFAULT_DIR}. */
    public static List<String> read(String name) throws IOException {
        return read(Path.of(DEFAULT_DIR), name);
    }

    /**
     * The entries of cookie file {@code name} in {@code dir}.
     *
     * @throws DatasetNotFoundException if the file does not exist
     */
    public static List<String> read(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new DatasetNotFoundException("fortune file '" + name + "'", dir, "install the Debian package " + PACKAGE);
        }
        return readFile(file);
    }

    /**
     * The entries of a cookie file, in file order: the text between {@code %} lines, with the line
     * breaks inside an entry kept and the final one dropped. Entries that are blank are skipped.
     *
     * @throws DatasetFormatException if the file is not valid UTF-8 (naming the byte offset) or too large
     */
    public static List<String> readFile(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new DatasetFormatException(file, size + " bytes, more than the " + MAX_FILE_BYTES + " a cookie file may have");
        }
        String text = Utf8.decode(file, Files.readAllBytes(file));
        List<String> entries = new ArrayList<>();
        StringBuilder entry = new StringBuilder();
        int pos = 0;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(pos, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.equals("%")) {
                addEntry(entries, entry);
            } else {
                if (!entry.isEmpty()) {
                    entry.append('\n');
                }
                entry.append(line);
            }
            pos = end + 1;
        }
        addEntry(entries, entry);
        return entries;
    }

    private static void addEntry(List<String> entries, StringBuilder entry) {
        if (!entry.toString().isBlank()) {
            entries.add(entry.toString());
        }
        entry.setLength(0);
    }
}
