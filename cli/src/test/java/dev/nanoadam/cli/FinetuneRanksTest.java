package dev.nanoadam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.distributed.Mpi;
import dev.nanoadam.distributed.MpiException;
import dev.nanoadam.distributed.MpiRun;
import dev.nanoadam.models.io.Json;
import dev.nanoadam.testing.Compare;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finetune --ranks 2}: a data-parallel run of two MPI ranks on this machine. Rank 1 halted
 * mid-run (as after {@code kill -9}) ends the whole job with one line naming the rank, the last
 * checkpoint and the command that continues; continued with {@code --resume DIR --ranks 2}, the run
 * ends with the weights, bit for bit, of a two-rank run never stopped; one process continues the
 * same checkpoint too. Fails without Open MPI unless
 * {@code -Dnanoadam.mpi=off}.
 */
class FinetuneRanksTest {

    private static void assumeOpenMpi() {
        if ("off".equals(System.getProperty("nanoadam.mpi"))) {
            System.out.println("SKIPPED: the MPI tests are off (-Dnanoadam.mpi=off)");
            Assumptions.abort("the MPI tests are off (-Dnanoadam.mpi=off)");
        }
        String why = Mpi.unavailableReason();
        try {
            MpiRun.mpirunBinary();
        } catch (MpiException e) {
            why = why == null ? e.getMessage() : why;
        }
        if (why != null) {
            throw new AssertionError(why + " (or run with -Dnanoadam.mpi=off to leave the MPI tests out)");
        }
    }

    private static String[] twoRanks(Path out) {
        List<String> args = new ArrayList<>(List.of(FinetuneResumeTest.args(out, "tiny-mlp:hidden=32", "nanoadam", 40, 32)));
        args.addAll(List.of("--ranks", "2"));
        return args.toArray(new String[0]);
    }

    @Test
    void aRankHaltedMidRunEndsTheJobAndTheRunResumesFromItsCheckpoint(@TempDir Path dir) throws Exception {
        assumeOpenMpi();
        Path whole = dir.resolve("whole");
        Cli.Result r = Cli.run(twoRanks(whole));
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("data-parallel over 2 ranks: ") && r.out().contains(" bytes sent per step per rank (masked"),
                r.out());

        Path halted = dir.resolve("halted");
        Cli.Result h;
        System.setProperty("nanoadam.crashAt", "step:15@1");   // forwarded to the ranks; only rank 1 halts
        try {
            h = Cli.run(twoRanks(halted));
        } finally {
            System.clearProperty("nanoadam.crashAt");
        }
        assertEquals(1, h.status(), h.toString());
        String line = "nanoadam finetune: the 2-rank job stopped: rank 1 exited with status 137; the last checkpoint (step 10) is in "
                + halted.resolve("checkpoint") + "; continue with: nanoadam finetune --resume " + halted + " --ranks 2";
        assertEquals(line, h.err().strip(), h.toString());
        assertFalse(Files.exists(halted.resolve("model.safetensors")));
        Object manifest = Json.parse(Files.readString(halted.resolve("checkpoint/checkpoint.json"), StandardCharsets.UTF_8));
        assertEquals(10L, ((Map<?, ?>) manifest).get("step"));

        // The checkpoint does not depend on the number of ranks: one process continues it too.
        Path copy = dir.resolve("copy");
        copyTree(halted, copy);
        Cli.Result alone = Cli.run("finetune", "--resume", copy.toString(), "--ranks", "1");
        assertEquals(0, alone.status(), alone.toString());
        assertTrue(alone.out().contains("resumed nanoadam at step 10 of 40"), alone.out());
        assertTrue(Files.exists(copy.resolve("model.safetensors")));

        Cli.Result resumed = Cli.run("finetune", "--resume", halted.toString(), "--ranks", "2");
        assertEquals(0, resumed.status(), resumed.toString());
        assertTrue(resumed.out().contains("resumed nanoadam at step 10 of 40 on 2 ranks"), resumed.out());
        Map<String, float[]> expected = FinetuneResumeTest.tensors(whole.resolve("model.safetensors"));
        Map<String, float[]> actual = FinetuneResumeTest.tensors(halted.resolve("model.safetensors"));
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            Compare.exact("resumed 2-rank run: " + name, expected.get(name), actual.get(name));
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    @Test
    void aBatchThatDoesNotSplitOverTheRanksIsRefusedBeforeStarting(@TempDir Path dir) {
        List<String> args = new ArrayList<>(List.of(FinetuneResumeTest.args(dir.resolve("o"), "tiny-mlp:hidden=8", "nanoadam", 5, 30)));
        args.addAll(List.of("--ranks", "4"));
        Cli.Result r = Cli.run(args.toArray(new String[0]));
        assertEquals(1, r.status(), r.toString());
        assertEquals("nanoadam finetune: --batch-size 30 does not split into --ranks 4 equal slices", r.err().strip());
    }
}
