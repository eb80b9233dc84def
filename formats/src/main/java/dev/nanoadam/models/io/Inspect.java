package dev.nanoadam.models.io;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Lists the tensors of a safetensors file, one line each: {@code name dtype [d0, d1, ...] bytes},
 * in data order, after validating the whole file. With {@code --metadata}, the header's metadata
 * follows as {@code # key = value} lines. A bad file gives one line on the error stream and a
 * non-zero status, never a stack trace.
 *
 * <pre>{@code java -cp ... dev.nanoadam.models.io.Inspect model.safetensors}</pre>
 */
public final class Inspect {
    /** Status of a file that exists but is not valid safetensors, or cannot be read. */
    public static final int BAD_FILE = 1;
    /** Status of a wrong command line. */
    public static final int USAGE = 2;

    private Inspect() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @return 0 on success, {@link #BAD_FILE} if the file is missing or invalid, {@link #USAGE} on a wrong command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean showMetadata = false;
        String fileArg = null;
        for (String a : args) {
            if (a.equals("--metadata")) {
                showMetadata = true;
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println("usage: inspect [--metadata] FILE.safetensors");
                return 0;
            } else if (a.startsWith("-") || fileArg != null) {
                err.println("usage: inspect [--metadata] FILE.safetensors");
                return USAGE;
            } else {
                fileArg = a;
            }
        }
        if (fileArg == null) {
            err.println("usage: inspect [--metadata] FILE.safetensors");
            return USAGE;
        }
        Path file = Path.of(fileArg);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (TensorInfo t : f.tensors()) {
                out.println(t);
            }
            if (showMetadata) {
                for (Map.Entry<String, String> m : f.metadata().entrySet()) {
                    out.println("# " + m.getKey() + " = " + m.getValue());
                }
            }
            return 0;
        } catch (NoSuchFileException e) {
            err.println("inspect: " + file + ": no such file");
            return BAD_FILE;
        } catch (SafetensorsException e) {
            err.println("inspect: " + oneLine(e.getMessage()));
            return BAD_FILE;
        } catch (IOException e) {
            err.println("inspect: " + file + ": " + oneLine(e.getMessage()));
            return BAD_FILE;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable file" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
