package dev.nanoadam.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.AdamW;
import dev.nanoadam.NanoAdam;
import dev.nanoadam.Optimizer;
import dev.nanoadam.models.Batch;
import dev.nanoadam.models.ResNet;
import dev.nanoadam.models.testing.Jit;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * After warm-up, {@link DataParallel#lossAndGradients} (slicing, packing, combining, writing back)
 * allocates nothing, on the calling thread or on any pool worker, for the masked and the whole
 * exchange.
 */
class ExchangeAllocationTest {
    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int MAX_WARM_UP = 400;

    private static long allocatedDuring(Runnable work) {
        List<Long> ids = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("nanoadam-worker-")) {
                ids.add(t.threadId());
            }
        }
        ids.add(Thread.currentThread().threadId());   // read last before and first after the work
        long[] before = new long[ids.size()];
        for (int i = ids.size() - 1; i >= 0; i--) {
            before[i] = MX.getThreadAllocatedBytes(ids.get(i));
        }
        work.run();
        long total = 0;
        for (int i = ids.size() - 1; i >= 0; i--) {
            total += MX.getThreadAllocatedBytes(ids.get(i)) - before[i];
        }
        return total;
    }

    @Test
    void theExchangeInOneProcessAllocatesNothingAfterWarmUp() {
        Jit.requireOptimisingCompiler();
        ResNet.Config c = new ResNet.Config(1, 28, 28, List.of(1, 1, 1), 4, 10);
        SplittableRandom r = new SplittableRandom(5);
        float[] images = new float[8 * 28 * 28];
        int[] labels = new int[8];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(10);
        }
        Batch batch = Batch.images(8, 1, 28, 28, images, labels);
        for (String name : List.of("nanoadam", "adamw")) {
            ResNet model = new ResNet(c, 1);
            try (Optimizer opt = name.equals("nanoadam")
                    ? NanoAdam.builder().density(0.1).build(model.sparseParameters(), model.denseParameters())
                    : AdamW.builder().build(model.parameters())) {
                DataParallel dp = DataParallel.inOneProcess(2, model, opt);
                long baseline = allocatedDuring(() -> { });
                int clean = 0;
                long last = -1;
                for (int i = 0; i < MAX_WARM_UP && clean < 3; i++) {
                    last = allocatedDuring(() -> dp.lossAndGradients(model, batch)) - baseline;
                    clean = last == 0 ? clean + 1 : 0;
                }
                assertEquals(0, last, name + ": the exchange still allocated " + last + " bytes per call after "
                        + MAX_WARM_UP + " calls");
            }
        }
    }
}
