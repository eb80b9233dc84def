package dev.nanoadam.models;

/** Full-size models built once per test JVM (each takes about a second and 100-200 MB). */
final class SharedModels {
    private static Transformer miniLm;
    private static ResNet resnet18;

    private SharedModels() {
    }

    /** all-MiniLM-L6-v2's architecture with a 2-class head, seed 1. */
    static synchronized Transformer miniLm() {
        if (miniLm == null) {
            miniLm = new Transformer(Transformer.Config.miniLmL6(2), 1);
        }
        return miniLm;
    }

    /** ResNet-18 shapes for 28x28 grey images, 10 classes, seed 1. */
    static synchronized ResNet resnet18() {
        if (resnet18 == null) {
            resnet18 = new ResNet(ResNet.Config.resnet18(10), 1);
        }
        return resnet18;
    }
}
