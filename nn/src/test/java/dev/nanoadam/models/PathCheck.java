package dev.nanoadam.models;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.math.GemmPathCheck;
import dev.nanoadam.models.math.Simd;
import java.util.List;
import java.util.Random;

/**
 * Entry point run in a child JVM per vector path by {@link VectorPathsTest}: checks GEMM bit for
 * bit, then prints the loss and every gradient of a small transformer and a small ResNet, one
 * line per array ({@code name v0 v1 ...}, floats as hex bits), for the parent to compare.
 */
public final class PathCheck {
    private PathCheck() {
    }

    /** The small transformer: hidden 32 and FFN 64, so vector loops and their tails both run. */
    static Transformer transformer() {
        return new Transformer(new Transformer.Config(40, 32, 2, 4, 64, 12, 2, 1e-12f, 3, false, 0.2f), 7);
    }

    static Batch transformerBatch() {
        return ModelGradientTest.tokenBatch(new Random(7), 3, 9, 40, 3);
    }

    static ResNet resnet() {
        return new ResNet(new ResNet.Config(1, 12, 12, List.of(1, 1), 4, 3), 7);
    }

    static Batch resnetBatch() {
        return ModelGradientTest.imageBatch(new Random(7), 5, new ResNet.Config(1, 12, 12, List.of(1, 1), 4, 3));
    }

    public static void main(String[] args) {
        long hash = GemmPathCheck.run();
        System.out.println("GEMM " + Long.toHexString(hash));
        Transformer t = transformer();
        print("transformer.loss", new float[] {t.lossAndGradients(transformerBatch())});
        for (Parameter p : t.parameters()) {
            print("transformer." + p.name(), p.grad());
        }
        ResNet r = resnet();
        print("resnet.loss", new float[] {r.lossAndGradients(resnetBatch())});
        for (Parameter p : r.parameters()) {
            print("resnet." + p.name(), p.grad());
        }
        System.out.println("PATH " + Simd.describe());
    }

    private static void print(String name, float[] values) {
        StringBuilder sb = new StringBuilder(name);
        for (float v : values) {
            sb.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v)));
        }
        System.out.println(sb);
    }
}
