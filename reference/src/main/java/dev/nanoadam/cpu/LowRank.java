package dev.nanoadam.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * GaLore's two projections (its class comment has the formulas) on a block of {@code width}
 * columns of the large side, with the Vector API in double precision. Every lane holds one column,
 * each sum starts from 0 and adds its terms in the formula's order (ascending {@code s}, ascending
 * {@code j}) with a multiply and an add per term as scalar Java does (no FMA), so every width gives
 * the scalar loop's bits. Four sums share each vector load (four rows of {@code R}, four rows of
 * {@code U}), so the loops stay in registers. Tail columns, and every column under
 * {@code -Dnanoadam.cpu.vectorBits=scalar}, take the scalar loops.
 */
public final class LowRank {
    /** Doubles at the {@code cpu} backend's width: half as many lanes as its floats. */
    static final VectorSpecies<Double> D = VectorSpecies.of(double.class, VectorBackend.F.vectorShape());

    private LowRank() {
    }

    /**
     * {@code acc[j * width + c] = Σ_s S[s * r + j] * G(s, from + c)} for {@code j < r},
     * {@code c < width}, ascending {@code s}, where {@code G(s, l)} is {@code g[s * rowLength + l]}
     * when {@code left}, else {@code g[l * rowLength + s]}. {@code block} is scratch of
     * {@code small * width} doubles (it receives G's columns).
     */
    public static void project(float[] S, int small, int r, float[] g, boolean left, int rowLength, int from,
                               int width, double[] acc, double[] block) {
        for (int s = 0; s < small; s++) {
            for (int c = 0; c < width; c++) {
                block[s * width + c] = g[left ? s * rowLength + from + c : (from + c) * rowLength + s];
            }
        }
        int bound = VectorBackend.SCALAR ? 0 : D.loopBound(width);
        for (int c = 0; c < bound; c += D.length()) {
            int j = 0;
            for (; j + 4 <= r; j += 4) {
                DoubleVector a0 = DoubleVector.zero(D);
                DoubleVector a1 = DoubleVector.zero(D);
                DoubleVector a2 = DoubleVector.zero(D);
                DoubleVector a3 = DoubleVector.zero(D);
                for (int s = 0; s < small; s++) {
                    DoubleVector x = DoubleVector.fromArray(D, block, s * width + c);
                    int o = s * r + j;
                    a0 = a0.add(x.mul((double) S[o]));
                    a1 = a1.add(x.mul((double) S[o + 1]));
                    a2 = a2.add(x.mul((double) S[o + 2]));
                    a3 = a3.add(x.mul((double) S[o + 3]));
                }
                a0.intoArray(acc, j * width + c);
                a1.intoArray(acc, (j + 1) * width + c);
                a2.intoArray(acc, (j + 2) * width + c);
                a3.intoArray(acc, (j + 3) * width + c);
            }
            for (; j < r; j++) {
                DoubleVector a = DoubleVector.zero(D);
                for (int s = 0; s < small; s++) {
                    a = a.add(DoubleVector.fromArray(D, block, s * width + c).mul((double) S[s * r + j]));
                }
                a.intoArray(acc, j * width + c);
            }
        }
        for (int c = bound; c < width; c++) {
            for (int j = 0; j < r; j++) {
                double a = 0.0;
                for (int s = 0; s < small; s++) {
                    a += S[s * r + j] * block[s * width + c];
                }
                acc[j * width + c] = a;
            }
        }
    }

    /**
     * {@code u[s * width + c] = Σ_j S[s * r + j] * n[j * width + c]} for {@code s < small},
     * {@code c < width}, ascending {@code j}.
     */
    public static void back(float[] S, int small, int r, double[] n, int width, double[] u) {
        int bound = VectorBackend.SCALAR ? 0 : D.loopBound(width);
        for (int c = 0; c < bound; c += D.length()) {
            int s = 0;
            for (; s + 4 <= small; s += 4) {
                DoubleVector u0 = DoubleVector.zero(D);
                DoubleVector u1 = DoubleVector.zero(D);
                DoubleVector u2 = DoubleVector.zero(D);
                DoubleVector u3 = DoubleVector.zero(D);
                int o = s * r;
                for (int j = 0; j < r; j++) {
                    DoubleVector x = DoubleVector.fromArray(D, n, j * width + c);
                    u0 = u0.add(x.mul((double) S[o + j]));
                    u1 = u1.add(x.mul((double) S[o + r + j]));
                    u2 = u2.add(x.mul((double) S[o + 2 * r + j]));
                    u3 = u3.add(x.mul((double) S[o + 3 * r + j]));
                }
                u0.intoArray(u, s * width + c);
                u1.intoArray(u, (s + 1) * width + c);
                u2.intoArray(u, (s + 2) * width + c);
                u3.intoArray(u, (s + 3) * width + c);
            }
            for (; s < small; s++) {
                DoubleVector x = DoubleVector.zero(D);
                for (int j = 0; j < r; j++) {
                    x = x.add(DoubleVector.fromArray(D, n, j * width + c).mul((double) S[s * r + j]));
                }
                x.intoArray(u, s * width + c);
            }
        }
        for (int c = bound; c < width; c++) {
            for (int s = 0; s < small; s++) {
                double x = 0.0;
                for (int j = 0; j < r; j++) {
                    x += S[s * r + j] * n[j * width + c];
                }
                u[s * width + c] = x;
            }
        }
    }
}
