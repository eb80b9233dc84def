package dev.nanoadam.models.text;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real English text from Debian packages, for tokenizer comparisons: the {@code fortunes}
 * package's cookie files (/usr/share/games/fortunes) and the King James Bible of
 * {@code bible-kjv}, whose text ships in a compressed indexed format and is read through the
 * package's own {@code bible} program. A missing package skips the calling test with the
 * command that installs it.
 */
final class Corpora {
    static final Path FORTUNES = Path.of("/usr/share/games/fortunes");
    static final Path BIBLE = Path.of("/usr/bin/bible");

    private Corpora() {
    }

    /** One text with where it came from, for failure messages. */
    record Text(String where, String text) {
    }

    /** Every cookie file of the fortunes package (not the .dat indexes or the .u8 links). */
    static List<Path> fortuneFiles() throws IOException {
        assumeTrue(Files.isDirectory(FORTUNES), "fortunes corpus absent: " + FORTUNES
                + " does not exist on this machine (apt-get install -y fortunes)");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(FORTUNES)) {
            s.filter(p -> Files.isRegularFile(p) && !Files.isSymbolicLink(p))
                    .filter(p -> !p.getFileName().toString().endsWith(".dat"))
                    .sorted()
                    .forEach(files::add);
        }
        assumeTrue(!files.isEmpty(), "fortunes corpus absent: no cookie files in " + FORTUNES);
        return files;
    }

    /** Every line of every fortune file. */
    static List<Text> fortuneLines() throws IOException {
        List<Text> out = new ArrayList<>();
        for (Path f : fortuneFiles()) {
            String[] lines = readUtf8(f).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                out.add(new Text(f + ":" + (i + 1), lines[i]));
            }
        }
        return out;
    }

    /** Every fortune whole (the records between "%" lines), newlines included. */
    static List<Text> fortuneRecords() throws IOException {
        List<Text> out = new ArrayList<>();
        for (Path f : fortuneFiles()) {
            String[] records = readUtf8(f).split("\n%\n", -1);
            for (int i = 0; i < records.length; i++) {
                out.add(new Text(f + " record " + (i + 1), records[i]));
            }
        }
        return out;
    }

    /** All 31,102 verses of the King James Bible, one text per verse, reference stripped. */
    static List<Text> kjvVerses() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(BIBLE), "King James Bible absent: " + BIBLE
                + " does not exist on this machine (apt-get install -y bible-kjv)");
        Process p = new ProcessBuilder(BIBLE.toString(), "-f", "Gen1:1-Rev22:21")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(BIBLE + " exited with " + rc + ": " + all.substring(0, Math.min(200, all.length())));
        }
        List<Text> out = new ArrayList<>();
        for (String line : all.split("\n")) {
            int space = line.indexOf(' ');
            if (space <= 0) {
                throw new IOException(BIBLE + " printed a line without a verse reference: '" + line + "'");
            }
            out.add(new Text("KJV " + line.substring(0, space), line.substring(space + 1)));
        }
        return out;
    }

    private static String readUtf8(Path f) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(f)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(f + " is not valid UTF-8", e);
        }
    }
}
