package dev.nanoadam.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The comparison helper fails where it must, passes where it must, and says where and what. */
class CompareTest {
    @Test
    void negativeZeroDiffersFromPositiveZero() {
        AssertionError e = assertThrows(AssertionError.class, () -> Compare.exact("zero", 0f, -0f));
        assertEquals("zero: expected 0.0 (0x00000000), got -0.0 (0x80000000)", e.getMessage());
        assertThrows(AssertionError.class, () -> Compare.exact("zeros", new float[] {0f}, new float[] {-0f}));
    }

    @Test
    void anyNanEqualsAnyNan() {
        float otherNan = Float.intBitsToFloat(0x7fc00001);
        float negativeNan = Float.intBitsToFloat(0xffc00000);
        Compare.exact("NaN", Float.NaN, otherNan);
        Compare.exact("NaNs", new float[] {Float.NaN, 1f}, new float[] {negativeNan, 1f});
        Compare.close("NaNs", new double[] {Double.NaN}, new float[] {otherNan}, 0, 0);
        assertThrows(AssertionError.class, () -> Compare.exact("NaN vs number", Float.NaN, 0f));
        assertThrows(AssertionError.class, () -> Compare.close("NaN vs number", new double[] {0}, new float[] {Float.NaN},
                1, 1));
    }

    @Test
    void exactNamesTheFirstIndexTheCountAndBothBits() {
        float[] expected = {1f, 2f, 3f, 4f, 5f};
        float[] actual = {1f, 2.5f, 3f, -4f, 5f};
        AssertionError e = assertThrows(AssertionError.class, () -> Compare.exact("w", expected, actual));
        assertEquals("w: 2 of 5 differ; first at index 1: expected 2.0 (0x40000000), got 2.5 (0x40200000)",
                e.getMessage());
    }

    @Test
    void exactRefusesArraysOfDifferentLength() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Compare.exact("w", new float[2], new float[3]));
        assertEquals("w: length 3, expected 2", e.getMessage());
    }

    @Test
    void rangeFormIgnoresEntriesPastN() {
        float[] expected = {1f, 2f, 3f, 7f};
        float[] actual = {1f, 2f, 3f, 8f, 9f};
        Compare.exact("prefix", expected, actual, 3);
        AssertionError e = assertThrows(AssertionError.class, () -> Compare.exact("prefix", expected, actual, 4));
        assertTrue(e.getMessage().startsWith("prefix: 1 of 4 differ; first at index 3: "), e.getMessage());
        assertThrows(AssertionError.class, () -> Compare.exact("too far", expected, actual, 5));
        Compare.close("prefix", new double[] {1, 2, 3, 7}, actual, 3, 0, 0);
    }

    @Test
    void intArraysNameTheFirstIndexAndCount() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> Compare.exact("mask", new int[] {0, 1, 2, 3}, new int[] {0, 9, 2, 8}));
        assertEquals("mask: 2 of 4 differ; first at index 1: expected 1, got 9", e.getMessage());
    }

    @Test
    void closeHonoursBothTolerancesAndReportsTheWorstRatio() {
        double[] expected = {1, 100, 0};
        Compare.close("inside", expected, new float[] {1.1f, 100f, 0.1f}, 0.1000001, 0);
        Compare.close("inside", expected, new float[] {1.1f, 110f, 0f}, 0, 0.1000001);
        AssertionError e = assertThrows(AssertionError.class,
                () -> Compare.close("outside", expected, new float[] {1f, 104f, 0.5f}, 0.25, 0.01));
        String m = e.getMessage();
        assertTrue(m.startsWith("outside: 2 of 3 outside atol=0.25, rtol=0.01; first at index 1: expected 100.0 (0x"), m);
        assertTrue(m.contains("got 104.0 (0x42d00000)"), m);
        assertTrue(m.endsWith("; worst diff/allowed 3.2"), m);
    }

    @Test
    void scaleIsTheLargestMagnitudeAtLeastTheFloor() {
        assertEquals(3.0, Compare.scale(new double[] {1, -3, 2}, 1));
        assertEquals(1.0, Compare.scale(new double[] {0.5, -0.25}, 1));
    }
}
