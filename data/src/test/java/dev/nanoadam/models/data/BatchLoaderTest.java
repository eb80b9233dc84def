package dev.nanoadam.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.Batch;
import dev.nanoadam.models.testing.Jit;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seeded order, epochs, resumption by seek, buffer reuse, subsets and splits. */
class BatchLoaderTest {
    /** Example i is a 1x1x2 image whose pixels are i % 256 and i / 256, with label i % classes. */
    static ImageDataset indexed(int n, int classes) {
        byte[] pixels = new byte[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            pixels[2 * i] = (byte) (i % 256);
            pixels[2 * i + 1] = (byte) (i / 256);
            labels[i] = i % classes;
        }
        return new ImageDataset("indexed", classes, 1, 1, 2, pixels, labels, 1f);
    }

    /** Recovers example indices from an indexed batch. */
    static int[] ids(Batch b) {
        int[] out = new int[b.size()];
        for (int s = 0; s < b.size(); s++) {
            out[s] = (int) b.images()[2 * s] + 256 * (int) b.images()[2 * s + 1];
        }
        return out;
    }

    private static List<Integer> epochOrder(BatchLoader l) {
        List<Integer> order = new ArrayList<>();
        for (int b = 0; b < l.batchesPerEpoch(); b++) {
            for (int id : ids(l.next())) {
                order.add(id);
            }
        }
        return order;
    }

    @Test
    void eachEpochVisitsEveryExampleOnceInASeededOrder() {
        ImageDataset d = indexed(103, 4);
        long seed = 7;
        BatchLoader a = new BatchLoader(d, 10, true, seed, false);
        BatchLoader b = new BatchLoader(d, 10, true, seed, false);
        assertEquals(11, a.batchesPerEpoch());
        List<Integer> e0 = epochOrder(a);
        List<Integer> e1 = epochOrder(a);
        assertEquals(e0, epochOrder(b), "same seed, same order (seed " + seed + ")");
        List<Integer> sorted = new ArrayList<>(e0);
        sorted.sort(null);
        for (int i = 0; i < 103; i++) {
            assertEquals(i, sorted.get(i), "epoch 0 is a permutation");
        }
        assertNotEquals(e0, e1, "epochs are reshuffled");
        assertNotEquals(e0, epochOrder(new BatchLoader(d, 10, true, seed + 1, false)), "another seed, another order");
        assertEquals(1, a.epoch());
    }

    @Test
    void unshuffledLoaderServesIndexOrderWithASmallerLastBatch() {
        BatchLoader l = BatchLoader.inOrder(indexed(7, 2), 3);
        assertArrayEquals(new int[] {0, 1, 2}, ids(l.next()));
        assertArrayEquals(new int[] {3, 4, 5}, ids(l.next()));
        Batch last = l.next();
        assertEquals(1, last.size());
        assertEquals(2, last.images().length, "arrays sized exactly for the batch");
        assertArrayEquals(new int[] {6}, ids(last));
        assertArrayEquals(new int[] {0, 1}, Arrays.copyOf(l.next().labels(), 2));
    }

    @Test
    void dropLastServesWholeBatchesOnly() {
        BatchLoader l = new BatchLoader(indexed(7, 2), 3, true, 1, true);
        assertEquals(2, l.batchesPerEpoch());
        for (int i = 0; i < 10; i++) {
            assertEquals(3, l.next().size());
        }
        assertThrows(IllegalArgumentException.class, () -> new BatchLoader(indexed(2, 2), 3, true, 1, true));
    }

    @Test
    void seekingToASavedPositionContinuesIdentically() {
        ImageDataset d = indexed(50, 5);
        BatchLoader straight = new BatchLoader(d, 8, true, 99, false);
        List<int[]> expected = new ArrayList<>();
        long savedEpoch = 0;
        int savedPosition = 0;
        for (int i = 0; i < 20; i++) {
            if (i == 9) {
                savedEpoch = straight.epoch();
                savedPosition = straight.position();
            }
            int[] batch = ids(straight.next());
            if (i >= 9) {
                expected.add(batch);
            }
        }
        BatchLoader resumed = new BatchLoader(d, 8, true, 99, false);
        resumed.seek(savedEpoch, savedPosition);
        for (int[] e : expected) {
            assertArrayEquals(e, ids(resumed.next()));
        }
        assertThrows(IllegalArgumentException.class, () -> resumed.seek(0, 3), "not a batch boundary");
    }

    @Test
    void batchesAreReusedAndNothingIsAllocatedAfterWarmUp() {
        Jit.requireOptimisingCompiler();
        ImageDataset d = indexed(30, 3);
        BatchLoader l = new BatchLoader(d, 8, true, 5, false);
        Batch first = l.next();
        for (int i = 0; i < 8; i++) {
            l.next(); // warm up both batch sizes and the JIT's first compilations
        }
        Batch again = null;
        for (int i = 0; i < 4; i++) {
            Batch b = l.next();
            if (b.size() == 8) {
                again = b;
            }
        }
        assertSame(first, again, "the full-size batch object is reused");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        for (int i = 0; i < 20_000; i++) {
            l.next();
        }
        // Least of five windows: a one-off JIT event may land in one, an allocation per call would show in all.
        long least = Long.MAX_VALUE;
        for (int window = 0; window < 5; window++) {
            long before = mx.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 2_000; i++) {
                l.next();
            }
            least = Math.min(least, mx.getThreadAllocatedBytes(tid) - before);
        }
        assertEquals(0, least, "bytes allocated by 2000 next() calls after warm-up (least of five windows)");
    }

    @Test
    void classSubsetRelabelsByPositionAndKeepsOrder() {
        ImageDataset d = indexed(20, 5);
        Dataset s = Datasets.classSubset(d, 3, 1);
        assertEquals(2, s.numClasses());
        assertEquals(8, s.size());
        BatchLoader l = BatchLoader.inOrder(s, 8);
        Batch b = l.next();
        assertArrayEquals(new int[] {1, 3, 6, 8, 11, 13, 16, 18}, ids(b));
        assertArrayEquals(new int[] {1, 0, 1, 0, 1, 0, 1, 0}, b.labels());
        for (int i = 0; i < s.size(); i++) {
            assertEquals(b.labels()[i], s.label(i));
        }
        assertThrows(IllegalArgumentException.class, () -> Datasets.classSubset(d, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Datasets.classSubset(d, 5));
    }

    @Test
    void splitIsStratifiedDisjointCompleteAndSeeded() {
        ImageDataset d = indexed(200, 4);
        long seed = 11;
        Datasets.TrainTest a = Datasets.split(d, 0.25, seed);
        Datasets.TrainTest b = Datasets.split(d, 0.25, seed);
        Datasets.TrainTest c = Datasets.split(d, 0.25, seed + 1);
        assertEquals(148, a.train().size());
        assertEquals(52, a.heldOut().size(), "round(0.25 * 50) = 13 of each of 4 classes");
        int[] heldPerClass = new int[4];
        boolean[] seen = new boolean[200];
        for (Dataset part : List.of(a.train(), a.heldOut())) {
            int[] all = ids(BatchLoader.inOrder(part, part.size()).next());
            for (int i = 1; i < all.length; i++) {
                assertTrue(all[i - 1] < all[i], "original order kept");
            }
            for (int id : all) {
                assertTrue(!seen[id], "example " + id + " in both parts (seed " + seed + ")");
                seen[id] = true;
                if (part == a.heldOut()) {
                    heldPerClass[id % 4]++;
                }
            }
        }
        assertArrayEquals(new int[] {13, 13, 13, 13}, heldPerClass, "round(0.25 * 50) per class");
        assertArrayEquals(ids(BatchLoader.inOrder(a.heldOut(), 52).next()), ids(BatchLoader.inOrder(b.heldOut(), 52).next()));
        assertNotEquals(Arrays.toString(ids(BatchLoader.inOrder(a.heldOut(), 52).next())),
                Arrays.toString(ids(BatchLoader.inOrder(c.heldOut(), 52).next())));
    }

    @Test
    void shuffleIsUniformEnoughOverManySeeds() {
        // Position of example 0 after shuffling 5 examples, over 5000 seeds: each of 5 places about 1000 times.
        int[] counts = new int[5];
        SplitMix64 r = new SplitMix64(0);
        int[] a = new int[5];
        for (int seed = 0; seed < 5000; seed++) {
            for (int i = 0; i < 5; i++) {
                a[i] = i;
            }
            r.reseed(SplitMix64.derive(1234, seed));
            r.shuffle(a, 5);
            for (int i = 0; i < 5; i++) {
                if (a[i] == 0) {
                    counts[i]++;
                }
            }
        }
        for (int c : counts) {
            // binomial(5000, 0.2): sd = 28.3; 5 sd either side
            assertTrue(Math.abs(c - 1000) < 142, "counts " + Arrays.toString(counts) + " (derive seed 1234)");
        }
    }
}
