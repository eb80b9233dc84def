package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nanoadam traffic}: NanoAdam's bytes per step are K + DENSE + 1 values, AdamW's N + 1. */
class TrafficCommandTest {
    @Test
    void printsTheMaskedAndTheDenseBytesPerArchitecture() {
        Cli.Result r = Cli.run("traffic", "--model", "demo-resnet,bert-base");
        assertEquals(0, r.status(), r.toString());
        List<String> lines = r.out().lines().toList();
        String[] resnet = lines.stream().filter(l -> l.startsWith("demo-resnet ")).findFirst().orElseThrow().split("\\s+");
        String[] bert = lines.stream().filter(l -> l.startsWith("bert-base ")).findFirst().orElseThrow().split("\\s+");
        for (String[] row : List.of(resnet, bert)) {
            long n = Long.parseLong(row[1]);
            long k = Long.parseLong(row[2]);
            long dense = Long.parseLong(row[3]);
            assertEquals(4 * (k + dense + 1), Long.parseLong(row[4]), Arrays.toString(row));
            assertEquals(4 * (n + 1), Long.parseLong(row[5]), Arrays.toString(row));
        }
        assertEquals(77429, Long.parseLong(resnet[1]), "the demo ResNet's parameters, as ./nanoadam memory counts them");
        // BERT-base: every SPARSE tensor is a multiple of 4096 or close to it, so K is 10 % of them to within a chunk each.
        double ratio = Double.parseDouble(bert[6]);
        assertTrue(ratio > 0.099 && ratio < 0.102, "bert-base ratio " + ratio);
    }

    @Test
    void refusesZeroRanks() {
        Cli.Result r = Cli.run("traffic", "--ranks", "0");
        assertEquals(1, r.status(), r.toString());
        assertEquals("nanoadam traffic: --ranks and --iterations must be >= 1, got 0 and 50", r.err().strip());
    }
}
