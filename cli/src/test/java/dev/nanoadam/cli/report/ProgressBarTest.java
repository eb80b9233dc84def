package dev.nanoadam.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static String drive(boolean interactive, int steps) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, interactive, "pretrain");
        bar.onStart(0, steps, 100);
        for (int s = 1; s <= steps; s++) {
            bar.onStep(s, 0, 1.0f / s, 1e-3);
        }
        bar.onFinish(steps);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void notOnATerminalItPrintsOneLineAtTheEnd() {
        String out = drive(false, 5000);
        assertEquals(1, out.lines().count(), out);
        assertFalse(out.contains("\r"));
        assertTrue(out.startsWith("pretrain: 5000 steps in "), out);
        assertTrue(out.contains("final loss"), out);
    }

    @Test
    void onATerminalItRedrawsInPlaceAtMostTenTimesASecondAndEndsWithANewline() {
        long start = System.nanoTime();
        String out = drive(true, 5000);
        double seconds = (System.nanoTime() - start) / 1e9;
        long redraws = out.chars().filter(c -> c == '\r').count();
        // One draw at the first step, at most one per 100 ms after it, one at the last step, one at the end.
        assertTrue(redraws >= 2 && redraws <= 3 + (long) (seconds * 10), redraws + " redraws in " + seconds + " s");
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
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), true, "x");
        bar.onStart(100, 200, 10);
        bar.onStep(150, 0, 0.5f, 1e-3);
        String line = bar.line(System.nanoTime());
        assertTrue(line.startsWith("x [############............] 150/200  loss 0.5000  "), line);
        assertTrue(line.endsWith(" left"), line);
        assertEquals("1:05", ProgressBar.clock(65.2));
    }
}
