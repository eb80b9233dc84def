package dev.nanoadam.conformance;

import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void timing() {
        for (Workload w : new Workload[] {TestWorkloads.mlpImages(), TestWorkloads.mlpText()}) {
            ConfigSpace.ChunkSizes cs = ConfigSpace.chunkSizes(w);
            System.out.println(w + " dividing " + java.util.Arrays.toString(cs.dividing()) + " partial " + java.util.Arrays.toString(cs.partial()));
            for (String cand : new String[] {"cpu-scalar", "cpu", "opencl"}) {
                for (Configuration c : ConfigSpace.covering(w.name(), cs, 1, 6)) {
                    Outcome o = Lockstep.check(w, c, "cpu-scalar", cand);
                    System.out.printf("%-8s %-90s %6.0f ms %s%n", cand, c.summary(), o.nanos() / 1e6, o.result());
                    if (!o.agreed()) System.out.println(o.report());
                }
            }
        }
    }
}
