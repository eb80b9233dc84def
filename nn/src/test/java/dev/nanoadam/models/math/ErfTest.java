package dev.nanoadam.models.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.models.check.Ref64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class ErfTest {
    /** Tolerance: the interpolation bound of {@link Erf} (2.6e-12) plus the reference's own error. */
    private static final double ERF_ATOL = 5e-12;

    /** Values from Abramowitz and Stegun, table 7.1 (and erf(3), erf(5) to 16 digits). */
    @Test
    void knownValues() {
        double[][] table = {
            {0.0, 0.0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149},
            {1.5, 0.9661051464753108}, {2.0, 0.9953222650189527}, {3.0, 0.9999779095030014},
            {5.0, 0.9999999999984626},
        };
        for (double[] row : table) {
            assertEquals(row[1], Erf.erf(row[0]), ERF_ATOL, "erf(" + row[0] + ")");
            assertEquals(-row[1], Erf.erf(-row[0]), ERF_ATOL, "erf(" + -row[0] + ")");
        }
        assertEquals(1.0, Erf.erf(7.0));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
    }

    @Property(tries = 2000, seed = "3")
    void matchesAnIndependentReference(@ForAll @DoubleRange(min = -7, max = 7) double x) {
        assertEquals(Ref64.erf(x), Erf.erf(x), ERF_ATOL, "erf(" + x + ")");
    }

    /** Between the table's knots, where interpolation errs most, on a fine grid. */
    @Test
    void denseGrid() {
        double worst = 0;
        for (int i = 0; i <= 600_00; i++) {
            double x = i * 1e-4 + 0.5 / 256;
            worst = Math.max(worst, Math.abs(Erf.erf(x) - Ref64.erf(x)));
        }
        assertTrue(worst <= ERF_ATOL, "largest error on the grid " + worst);
    }
}
