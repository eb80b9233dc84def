package dev.nanoadam.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.nanoadam.models.testing.TinyMlp;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelStateTest {
    @Test
    void shiftCountsBackboneParametersOnlyAndUntouchedBitsExactly() {
        TinyMlp model = TinyMlp.images(4, 3, 2, 7);
        Map<String, float[]> before = ModelState.snapshot(model);
        assertNotSame(before.get("layer1.weight"), model.sparseParameters().get(0).data());
        float[] w1 = model.sparseParameters().get(0).data();   // 12 weights
        float[] b1 = model.denseParameters().get(0).data();    // 3 biases
        w1[0] += 3f;
        w1[5] -= 4f;
        b1[1] = Math.nextUp(b1[1]);                             // changed bits, negligible distance
        model.denseParameters().get(1).data()[0] += 100f;       // the head: ignored
        model.buffers().get("input.running_mean")[0] = 9f;      // a buffer: ignored
        ModelState.Shift s = ModelState.backboneShift(before, model, name -> name.startsWith("fc."));
        assertEquals(15, s.weights());
        assertEquals(12.0 / 15, s.untouchedFraction());
        assertEquals(5.0, s.l2(), 1e-6);
    }

    @Test
    void copyIntoWritesOnlyWhatIsIncluded() {
        TinyMlp a = TinyMlp.images(4, 3, 2, 1);
        TinyMlp b = TinyMlp.images(4, 3, 2, 2);
        float headBefore = b.denseParameters().get(1).data()[0];
        a.buffers().get("input.running_mean")[2] = 0.25f;
        ModelState.copy(a, b, name -> !name.startsWith("fc."));
        assertEquals(a.sparseParameters().get(0).data()[7], b.sparseParameters().get(0).data()[7]);
        assertEquals(0.25f, b.buffers().get("input.running_mean")[2]);
        assertEquals(headBefore, b.denseParameters().get(1).data()[0]);
    }
}
