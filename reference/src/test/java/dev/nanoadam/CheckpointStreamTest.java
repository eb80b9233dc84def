package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optimizer state as bytes inside a larger stream: the file's format, the file's checks, resumed bit for bit. */
class CheckpointStreamTest {
    private static final byte[] BEFORE = "outer header|".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AFTER = "|model weights follow".getBytes(StandardCharsets.US_ASCII);

    @Test
    void stateInsideALargerStreamResumesBitIdentically(@TempDir Path dir) throws IOException {
        Run a = new Run(StateType.BF16);
        Run b = new Run(StateType.BF16);
        try (a; b) {
            a.steps(0, 5);
            ByteArrayOutputStream outer = new ByteArrayOutputStream();
            outer.write(BEFORE);
            a.opt.saveTo(outer);
            outer.write(AFTER);
            a.opt.save(dir.resolve("same.ckpt"));
            byte[] all = outer.toByteArray();
            assertArrayEquals(Files.readAllBytes(dir.resolve("same.ckpt")),
                    Arrays.copyOfRange(all, BEFORE.length, all.length - AFTER.length), "the same bytes as save()");

            InputStream in = new ByteArrayInputStream(all);
            assertArrayEquals(BEFORE, in.readNBytes(BEFORE.length));
            System.arraycopy(a.w.data(), 0, b.w.data(), 0, a.w.size());
            System.arraycopy(a.norm.data(), 0, b.norm.data(), 0, a.norm.size());
            b.opt.loadFrom(in);
            assertArrayEquals(AFTER, in.readAllBytes(), "reads no further than the state");
            assertEquals(5, b.opt.steps());
            a.steps(5, 9);
            b.steps(5, 9);
            Compare.exact("weights", a.w.data(), b.w.data());
            Compare.exact("norm", a.norm.data(), b.norm.data());
        }
    }

    @Test
    void aDamagedStreamIsRefusedAndChangesNothing() throws IOException {
        Run a = new Run(StateType.FP32);
        Run twin = new Run(StateType.FP32);
        try (a; twin) {
            a.steps(0, 3);
            twin.steps(0, 3);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            a.opt.saveTo(out);
            byte[] good = out.toByteArray();
            a.steps(3, 6);
            twin.steps(3, 6);
            byte[] flipped = good.clone();
            flipped[good.length / 2] ^= 0x10;
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> a.opt.loadFrom(new ByteArrayInputStream(flipped)));
            assertTrue(e.getMessage().startsWith("checkpoint stream: "), e.getMessage());
            byte[] cut = Arrays.copyOf(good, good.length - 7);
            e = assertThrows(CheckpointException.class, () -> a.opt.loadFrom(new ByteArrayInputStream(cut)));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            byte[] notOne = "not a checkpoint at all".getBytes(StandardCharsets.US_ASCII);
            e = assertThrows(CheckpointException.class, () -> a.opt.loadFrom(new ByteArrayInputStream(notOne)));
            assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
            a.steps(6, 9);
            twin.steps(6, 9);
            Compare.exact("weights after three refused loads", twin.w.data(), a.w.data());
            assertEquals(twin.opt.steps(), a.opt.steps());
        }
    }

    /** One sparse weight and a norm under NanoAdam on the cpu backend, gradients drawn per step. */
    private static final class Run implements AutoCloseable {
        final Parameter w = Parameter.of("enc.weight", Gen.weights(new SplittableRandom(3), 5000, 0.05f, 0.05), 50, 100);
        final Parameter norm = Parameter.of("enc.norm.weight", Gen.weights(new SplittableRandom(4), 50, 1f, 0), 50);
        final NanoAdam opt;

        Run(StateType type) {
            opt = NanoAdam.builder().lr(1e-2).density(0.1).maskInterval(3).chunkSize(512).stateType(type)
                    .momentPolicy(MomentPolicy.CARRY).build(List.of(w), List.of(norm));
        }

        void steps(int from, int to) {
            for (int step = from; step < to; step++) {
                SplittableRandom r = new SplittableRandom(99 + step);
                System.arraycopy(Gen.gradients(r, w.size(), 0.01f, 0.02), 0, w.grad(), 0, w.size());
                System.arraycopy(Gen.gradients(r, norm.size(), 0.01f, 0.02), 0, norm.grad(), 0, norm.size());
                opt.step();
            }
        }

        @Override
        public void close() {
            opt.close();
        }
    }
}
