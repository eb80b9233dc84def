package dev.nanoadam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nanoadam.spi.BackendUnavailableException;
import dev.nanoadam.testing.Compare;
import dev.nanoadam.testing.Gen;
import dev.nanoadam.testing.RefusingBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load that the backend refuses part-way (after the masks and sparse moments went in, at the
 * dense moments) changes nothing: the optimizer steps on exactly as a twin that never tried.
 */
class LoadIsAllOrNothingTest {

    @AfterEach
    void stopRefusing() {
        RefusingBackend.refuseWrites = false;
    }

    @Test
    void aRefusedLoadLeavesTheOptimizerAsItWas(@TempDir Path dir) throws Exception {
        Twin a = new Twin(RefusingBackend.NAME);
        Twin b = new Twin("cpu-scalar");
        try (a; b) {
            for (int step = 0; step < 3; step++) {
                a.step(step);
                b.step(step);
            }
            Path file = dir.resolve("early.ckpt");
            a.opt.save(file);        // step 3's state, which differs from what the optimizer holds later
            for (int step = 3; step < 7; step++) {
                a.step(step);
                b.step(step);
            }
            RefusingBackend.refuseWrites = true;
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> a.opt.load(file));
            assertEquals(RefusingBackend.NAME + ": device out of memory (planted)", e.getMessage());
            RefusingBackend.refuseWrites = false;
            assertEquals(b.opt.steps(), a.opt.steps(), "step counter");
            for (int step = 7; step < 12; step++) {
                a.step(step);
                b.step(step);
            }
            Compare.exact("weights after the refused load", b.w.data(), a.w.data());
            Compare.exact("norm after the refused load", b.norm.data(), a.norm.data());
            assertEquals(b.opt.stateBytes(), a.opt.stateBytes());
            a.opt.load(file);        // and a load that is not refused still works on the same optimizer
            assertEquals(3, a.opt.steps());
        }
    }

    /** A sparse weight and a norm, trained by NanoAdam on one backend, gradients drawn per step. */
    private static final class Twin implements AutoCloseable {
        final Parameter w = Parameter.of("layer.weight", Gen.weights(new SplittableRandom(7), 3000, 0.05f, 0.05), 3000);
        final Parameter norm = Parameter.of("layer.norm.weight", Gen.weights(new SplittableRandom(8), 40, 1f, 0), 40);
        final NanoAdam opt;

        Twin(String backend) {
            opt = NanoAdam.builder().lr(1e-2).density(0.1).maskInterval(2).chunkSize(1024).backend(backend)
                    .build(List.of(w), List.of(norm));
        }

        void step(int step) {
            SplittableRandom r = new SplittableRandom(1000 + step);
            System.arraycopy(Gen.gradients(r, w.size(), 0.01f, 0.02), 0, w.grad(), 0, w.size());
            System.arraycopy(Gen.gradients(r, norm.size(), 0.01f, 0.02), 0, norm.grad(), 0, norm.size());
            opt.step();
        }

        @Override
        public void close() {
            opt.close();
        }
    }
}
