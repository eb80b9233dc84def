package dev.nanoadam.experiments.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    /** Runs {@code steps} steps of {@code nanosPerStep} each on a clock the test moves, so no result depends on speed. */
    private static String drive(boolean interactive, int steps, long nanosPerStep) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long[] now = {1_000_000_000L};
        ProgressBar bar = new ProgressBar(out, interactive, "pretrain", () -> now[0]);
        bar.onStart(0, steps, 100);
        for (int s = 1; s <= steps; s++) {
            now[0] += nanosPerStep;
            bar.onStep(s, 0, 1.0f / s, 1e-3);
        }
        bar.onFinish(steps);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void notOnATerminalItPrintsOneLineAtTheEnd() {
        String out = drive(false, 5000, 1_000_000L);
        assertEquals(1, out.lines().count(), out);
        assertFalse(out.contains("\r"));
        assertTrue(out.startsWith("pretrain: 5000 steps in 5.0 s, "), out);
        assertTrue(out.contains("final loss"), out);
    }

    @Test
    void onATerminalItRedrawsInPlaceAtMostTenTimesASecondAndEndsWithANewline() {
        // 5000 steps of 1 ms: a draw at step 1, then one each 100 ms (steps 101, 201, ..., 4901), one at the
        // last step and one at the end: 1 + 49 + 1 + 1.
        String out = drive(true, 5000, 1_000_000L);
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertEquals(52, redraws, out);
        // 5000 steps of 1 us take 5 ms: only the first step, the last and the end draw.
        assertEquals(3, drive(true, 5000, 1_000L).chars().filter(c -> c == '\r').count());
        // Steps slower than 100 ms each draw every time.
        assertEquals(11, drive(true, 10, 150_000_000L).chars().filter(c -> c == '\r').count());
        assertTrue(out.endsWith("\n"));
        String last = out.substring(out.lastIndexOf('\r') + 1).strip();
        assertTrue(last.startsWith("pretrain [########################] 5000/5000"), last);
        // Each redraw is at least as long as the one before, so no tail of a longer line survives.
        String[] draws = out.substring(1, out.length() - 1).split("\r");   // between the first \r and the final \n
        for (int i = 1; i < draws.length; i++) {
            assertTrue(draws[i].length() >= draws[i - 1].length(), "redraw " + i + " is shorter: '" + draws[i] + "'");
        }
    }

    @Test
    void barShowsStepsLossAndTimeLeft() {
        long[] now = {0};
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true, "x",
                () -> now[0]);
        bar.onStart(100, 200, 10);
        now[0] = 13_000_000_000L;
        bar.onStep(150, 0, 0.5f, 1e-3);
        // 50 steps in 13 s: 50 more take 13 s.
        assertEquals("x [############............] 150/200  loss 0.5000  0:13 left", bar.line(now[0]));
        assertEquals("1:05", ProgressBar.clock(65.2));
    }
}
