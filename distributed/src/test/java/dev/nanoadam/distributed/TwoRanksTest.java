package dev.nanoadam.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.testing.Compare;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-rank MPI job on this machine ({@link TwoRankJob}) against the same training in this JVM
 * with the two slices of every batch computed one after the other: both ranks end with exactly
 * the weights and BatchNorm statistics of the single process, for NanoAdam (masked exchange),
 * NanoAdam with LARGEST_GRADIENT (every entry on refreshing steps) and AdamW (every entry); the
 * traffic each rank reports is the masked one for NanoAdam; an MPI error names the call and rank.
 */
class TwoRanksTest {

    @Test
    void twoRanksEndWithTheWeightsOfOneProcessSummingTheSameSlicesBitForBit(@TempDir Path dir) throws Exception {
        MpiTesting.assumeOpenMpi();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        MpiRun.Outcome outcome;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            outcome = MpiRun.run(2, MpiRun.thisJvm(TwoRankJob.class.getName(), List.of(dir.toString())), out);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(outcome.succeeded(), "the MPI job failed: " + outcome + "\n" + text);

        for (String name : Training.OPTIMIZERS) {
            Training.Outcome expected = Training.run(name, (model, opt) -> DataParallel.inOneProcess(2, model, opt));
            for (int rank = 0; rank < 2; rank++) {
                Training.Outcome actual = Training.read(dir.resolve(name + "-rank" + rank + ".bin"));
                assertEquals(expected.state().size(), actual.state().size());
                for (int i = 0; i < expected.state().size(); i++) {
                    Compare.exact(name + ", rank " + rank + ", tensor " + i, expected.state().get(i), actual.state().get(i));
                }
                assertEquals(expected.lastStepBytes(), actual.lastStepBytes(), name + ": bytes of the last step");
                assertEquals(expected.wholeStepBytes(), actual.wholeStepBytes(), name);
                assertEquals(expected.masked(), actual.masked(), name);
            }
            if (name.equals("adamw")) {
                assertFalse(expected.masked());
                assertEquals(expected.wholeStepBytes(), expected.lastStepBytes(), "AdamW exchanges every entry");
            } else {
                // The last step (t = 7) does not refresh (mask interval 5), so even LARGEST_GRADIENT exchanges the masked entries.
                assertTrue(expected.masked(), name);
                assertTrue(expected.lastStepBytes() < expected.wholeStepBytes() / 2, name + ": " + expected.lastStepBytes()
                        + " bytes against " + expected.wholeStepBytes());
            }
        }
        for (int rank = 0; rank < 2; rank++) {
            String error = Files.readString(dir.resolve("error-rank" + rank + ".txt"));
            assertTrue(error.startsWith("MPI_Bcast on rank " + rank + " failed with error "), error);
            assertTrue(error.contains("count"), error);
        }
    }

    /** One replica adds nothing: the trainer steps exactly as without a gradient source. */
    @Test
    void oneReplicaIsPlainTraining() throws Exception {
        for (String name : java.util.List.of("nanoadam", "adamw")) {
            Training.Outcome one = Training.run(name, (model, opt) -> DataParallel.inOneProcess(1, model, opt));
            Training.Outcome plain = Training.run(name, (model, opt) -> null);
            for (int i = 0; i < one.state().size(); i++) {
                Compare.exact(name + ", tensor " + i, plain.state().get(i), one.state().get(i));
            }
        }
    }
}
