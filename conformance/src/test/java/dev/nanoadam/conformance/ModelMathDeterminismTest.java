package dev.nanoadam.conformance;

import dev.nanoadam.models.math.ArrayMath;
import dev.nanoadam.models.math.Simd;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The vector reductions under the models' LayerNorm, BatchNorm and global pooling give the same bits
 * on every call: before and after the JIT compiles them. The lock-step checks rest on the models
 * being deterministic; this test names the routine when they are not. (The float sum order of
 * {@code FloatVector.reduceLanes(ADD)} is unspecified, and the interpreter's and C2's differ.)
 */
class ModelMathDeterminismTest {
    /** Calls per routine: far past the point where C2 compiles a hot method. */
    private static final int CALLS = 200_000;

    /** Null when every call gave the first call's bits, else what changed and when. */
    private static String changes(String what, IntSupplier bitsOfOneCall) {
        int first = bitsOfOneCall.getAsInt();
        for (int call = 1; call < CALLS; call++) {
            int bits = bitsOfOneCall.getAsInt();
            if (bits != first) {
                return String.format("%s returned 0x%08x on the first call and 0x%08x on call %d", what, first, bits, call);
            }
        }
        return null;
    }

    @Test
    void reductionsGiveTheSameBitsCompiledOrNot() {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[64];
        float[] y = new float[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1) * (i % 3 == 0 ? 1e3f : 1e-2f);
            y[i] = (float) (r.nextDouble() * 2 - 1);
        }
        List<String> changed = new ArrayList<>();
        for (String c : new String[] {
            changes("ArrayMath.sum", () -> Float.floatToRawIntBits(ArrayMath.sum(x, 0, 64))),
            changes("ArrayMath.sumSquaredDeviation",
                    () -> Float.floatToRawIntBits(ArrayMath.sumSquaredDeviation(x, 0, 64, 0.25f))),
            changes("ArrayMath.dotDeviation",
                    () -> Float.floatToRawIntBits(ArrayMath.dotDeviation(x, 0, y, 0, 64, 0.25f)))}) {
            if (c != null) {
                changed.add(c);
            }
        }
        if (!changed.isEmpty()) {
            throw new AssertionError("on 64 floats (seed 7), model math at " + (Simd.SCALAR ? "scalar" : Simd.LANES
                    + " lanes") + ": " + String.join("; ", changed) + ". The results depend on whether the JIT has"
                    + " compiled these routines, so the models that use them (LayerNorm, BatchNorm, global average"
                    + " pooling) are not deterministic run to run");
        }
    }
}
