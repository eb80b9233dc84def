package dev.nanoadam.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nanoadam.spi.SpecMath;
import dev.nanoadam.testing.Compare;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The kernel-safe rewrites of SPEC.md's bit formulas ({@link KernelBf16}, {@link SelectionKernel#mix})
 * equal the reference's on the host. (On the device the known-answer test and the agreement
 * properties check them.)
 */
class KernelArithmeticTest {

    @Test
    void bf16LoadEqualsTheReferenceForEveryPattern() {
        float[] expected = new float[65536];
        float[] got = new float[65536];
        for (int b = 0; b < 65536; b++) {
            expected[b] = SpecMath.bf16ToFloat((short) b);
            got[b] = KernelBf16.load((short) b, Float.NaN);
        }
        Compare.exact("bf16 load (index = the bf16 bit pattern)", expected, got);
    }

    /** Every exponent, every rounding tie and both neighbours, and a seeded sample of all floats. */
    @Test
    void bf16StoreEqualsTheReference() {
        for (int hi = 0; hi < 65536; hi++) {
            for (int lo : new int[] {0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF}) {
                check((hi << 16) | lo);
            }
        }
        SplittableRandom r = new SplittableRandom(0xBF16L);
        for (int i = 0; i < 4_000_000; i++) {
            check(r.nextInt());
        }
    }

    private static void check(int bits) {
        float x = Float.intBitsToFloat(bits);
        short expected = SpecMath.bf16(x);
        short got = KernelBf16.store(x);
        if (expected != got) {
            throw new AssertionError("bf16 store of 0x" + Integer.toHexString(bits) + " (" + x + "): expected 0x"
                    + Integer.toHexString(expected & 0xFFFF) + ", got 0x" + Integer.toHexString(got & 0xFFFF)
                    + " (seed 0xBF16)");
        }
    }

    @Test
    void mixEqualsTheReference() {
        SplittableRandom r = new SplittableRandom(0x313L);
        for (int i = 0; i < 1_000_000; i++) {
            long z = i < 64 ? (1L << i) ^ (i % 2 == 0 ? 0 : -1L) : r.nextLong();
            assertEquals(SpecMath.mix(z), SelectionKernel.mix(z), "mix(0x" + Long.toHexString(z) + "), seed 0x313");
        }
    }
}
