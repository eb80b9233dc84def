package dev.nanoadam.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import dev.nanoadam.ParameterGroup;
import dev.nanoadam.Role;
import dev.nanoadam.testing.Compare;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The demo's ResNet-8 fine-tuned with three parameter groups (the backbone SPARSE; BatchNorm DENSE
 * without weight decay; the head DENSE at ten times the rate), its weights, buffers and optimizer
 * state in one stream: the run resumed from that stream in a fresh model and optimizer is bit for
 * bit the run that never stopped.
 */
class GroupedCheckpointTest {
    private static final ResNet.Config DEMO = ResNet.Config.tiny(10);

    private static NanoAdam optimizer(ResNet m) {
        List<Parameter> norms = new ArrayList<>();
        List<Parameter> head = new ArrayList<>();
        for (Parameter p : m.denseParameters()) {
            (p.name().startsWith("fc.") ? head : norms).add(p);
        }
        assertTrue(!norms.isEmpty() && !head.isEmpty(), "the ResNet has BatchNorm and head parameters");
        return NanoAdam.builder().lr(5e-3).weightDecay(0.01).density(0.05).maskInterval(3).chunkSize(1024)
                .group(ParameterGroup.of(m.sparseParameters()).role(Role.SPARSE))
                .group(ParameterGroup.of(norms).role(Role.DENSE).weightDecay(0))
                .group(ParameterGroup.of(head).role(Role.DENSE).lr(5e-2))
                .build();
    }

    private static void train(ResNet m, NanoAdam opt, int from, int to) {
        m.train(true);
        for (int step = from; step < to; step++) {
            Batch batch = ModelGradientTest.imageBatch(new Random(100 + step), 8, DEMO);
            opt.zeroGrad();
            m.lossAndGradients(batch);
            opt.step();
        }
    }

    /** Every parameter and buffer, by name. */
    private static Map<String, float[]> state(ResNet m) {
        Map<String, float[]> all = new TreeMap<>(m.buffers());
        for (Parameter p : m.parameters()) {
            all.put(p.name(), p.data());
        }
        return all;
    }

    @Test
    void threeGroupsResumeBitIdenticallyFromOneStream() throws IOException {
        ResNet a = new ResNet(DEMO, 11);
        ResNet b = new ResNet(DEMO, 12);   // other initial weights: all of them must come from the stream
        try (NanoAdam optA = optimizer(a); NanoAdam optB = optimizer(b)) {
            train(a, optA, 0, 5);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            for (float[] x : state(a).values()) {
                out.writeInt(x.length);
                for (float f : x) {
                    out.writeFloat(f);
                }
            }
            optA.saveTo(out);
            out.writeUTF("end");

            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
            for (float[] x : state(b).values()) {
                assertEquals(x.length, in.readInt());
                for (int i = 0; i < x.length; i++) {
                    x[i] = in.readFloat();
                }
            }
            optB.loadFrom(in);
            assertEquals("end", in.readUTF(), "the optimizer read its state and no further");
            assertEquals(5, optB.steps());

            train(a, optA, 5, 11);
            train(b, optB, 5, 11);
            Map<String, float[]> sa = state(a);
            Map<String, float[]> sb = state(b);
            for (String name : sa.keySet()) {
                Compare.exact(name + " after the resume", sa.get(name), sb.get(name));
            }
            assertEquals(optA.stateBytes(), optB.stateBytes());
        }
    }
}
