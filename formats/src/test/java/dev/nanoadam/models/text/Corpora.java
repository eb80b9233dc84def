package dev.nanoadam.models.text;

import dev.nanoadam.models.data.BibleKjv;
import dev.nanoadam.models.data.Fortunes;
import dev.nanoadam.models.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real English text for tokenizer comparisons, from the committed excerpts of two Debian packages
 * (testdata/README.md): the {@code fortunes} package's cookie files and the King James Bible of
 * {@code bible-kjv-text}, read through {@link BibleKjv} from the package's own compressed format.
 */
final class Corpora {
    private Corpora() {
    }

    /** One text with where it came from, for failure messages. */
    record Text(String where, String text) {
    }

    /** Every cookie file of the fortunes excerpt (not the .dat indexes). */
    static List<Path> fortuneFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String name : Fortunes.names(Fixtures.fortunesDir())) {
            files.add(Fixtures.fortunesDir().resolve(name));
        }
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

    /** Every verse of the King James Bible excerpt, one text per verse, reference stripped. */
    static List<Text> kjvVerses() throws IOException {
        List<Text> out = new ArrayList<>();
        for (BibleKjv.Verse v : BibleKjv.read(Fixtures.bibleFile())) {
            out.add(new Text("KJV " + v.reference(), v.text()));
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
