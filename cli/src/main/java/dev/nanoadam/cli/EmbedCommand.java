package dev.nanoadam.cli;

import dev.nanoadam.models.onnx.MiniLmL6V2;
import dev.nanoadam.models.text.SentenceEncoder;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nanoadam embed TEXT...}: the all-MiniLM-L6-v2 sentence embedding of each text, one line of
 * space-separated numbers per text, computed by the pure-Java transformer.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Print the all-MiniLM-L6-v2 sentence embedding of each TEXT: one line of 384 numbers, "
                + "the mean of the last hidden states over the text's tokens, L2-normalised (as sentence-transformers).",
                "Each number is printed in its shortest form that reads back as the same float32."})
final class EmbedCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "text to embed (quote it)")
    List<String> texts;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "cut each text to N WordPiece ids, [CLS] and [SEP] included (default: ${DEFAULT-VALUE}, as sentence-transformers)")
    int maxTokens = SentenceEncoder.MINILM_MAX_LENGTH;

    @Override
    public Integer call() {
        return run(texts, maxTokens, System.out, System.err);
    }

    /** Embeds and prints; returns 0, or 1 with a one-line message when the model cannot be loaded. */
    static int run(List<String> texts, int maxTokens, PrintStream out, PrintStream err) {
        SentenceEncoder encoder;
        try {
            encoder = new SentenceEncoder(MiniLmL6V2.loadTokenizer(), MiniLmL6V2.loadTransformer(1, 0L), maxTokens);
        } catch (IOException e) {
            err.println("nanoadam embed: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("nanoadam embed: " + e.getMessage());
            return 2;
        }
        int d = encoder.dimension();
        StringBuilder line = new StringBuilder(d * 14);
        for (String text : texts) {
            float[] e = encoder.embed(text);
            line.setLength(0);
            for (int j = 0; j < d; j++) {
                if (j > 0) {
                    line.append(' ');
                }
                line.append(e[j]);
            }
            out.println(line);
        }
        out.flush();
        return 0;
    }
}
