package dev.nanoadam.models.data;

import java.util.Arrays;
import java.util.Objects;

/** Class subsets, held-out splits and prefixes of a {@link Dataset}, as views that copy no examples. */
public final class Datasets {
    private Datasets() {
    }

    /** A data set cut in two by {@link #split}: {@code train} and {@code heldOut} share no example. */
    public record TrainTest(Dataset train, Dataset heldOut) {
    }

    /**
     * The examples whose class is one of {@code classes}, relabelled by position in that list:
     * {@code classSubset(fashion, 0, 1, 2, 3, 4)} gives the five classes 0..4 as 0..4;
     * {@code classSubset(d, 7, 3)} maps 7 to 0 and 3 to 1. Example order is kept.
     *
     * @throws IllegalArgumentException if a class is out of range or listed twice, or none is given
     */
    public static Dataset classSubset(Dataset data, int... classes) {
        Objects.requireNonNull(data, "data");
        if (classes.length == 0) {
            throw new IllegalArgumentException(data.name() + ": a class subset needs at least one class");
        }
        int[] relabel = new int[data.numClasses()];
        Arrays.fill(relabel, -1);
        for (int i = 0; i < classes.length; i++) {
            int c = classes[i];
            if (c < 0 || c >= data.numClasses()) {
                throw new IllegalArgumentException(data.name() + ": class " + c + " is outside [0, " + data.numClasses() + ")");
            }
            if (relabel[c] >= 0) {
                throw new IllegalArgumentException(data.name() + ": class " + c + " listed twice in " + Arrays.toString(classes));
            }
            relabel[c] = i;
        }
        int count = 0;
        for (int i = 0; i < data.size(); i++) {
            if (relabel[data.label(i)] >= 0) {
                count++;
            }
        }
        int[] indices = new int[count];
        count = 0;
        for (int i = 0; i < data.size(); i++) {
            if (relabel[data.label(i)] >= 0) {
                indices[count++] = i;
            }
        }
        return new Subset(data.name() + " classes " + Arrays.toString(classes), data, indices, relabel, classes.length);
    }

    /** The first {@code n} examples (all of them when {@code n >= size()}). */
    public static Dataset head(Dataset data, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(data.name() + ": head needs n >= 0, got " + n);
        }
        int count = Math.min(n, data.size());
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i;
        }
        return new Subset(data.name() + " first " + count, data, indices, null, data.numClasses());
    }

    /**
     * A seeded, stratified held-out split: from each class, {@code round(heldOutFraction * classCount)}
     * examples chosen by a seeded shuffle go to {@code heldOut}, the rest to {@code train}. Both keep
     * the original example order. The same data, fraction and seed always give the same split.
     *
     * @throws IllegalArgumentException if the fraction is not in {@code [0, 1]}
     */
    public static TrainTest split(Dataset data, double heldOutFraction, long seed) {
        Objects.requireNonNull(data, "data");
        if (!(heldOutFraction >= 0 && heldOutFraction <= 1)) {
            throw new IllegalArgumentException(data.name() + ": held-out fraction must be in [0, 1], got " + heldOutFraction);
        }
        int classes = data.numClasses();
        int[] counts = new int[classes];
        for (int i = 0; i < data.size(); i++) {
            counts[data.label(i)]++;
        }
        int[][] members = new int[classes][];
        for (int c = 0; c < classes; c++) {
            members[c] = new int[counts[c]];
        }
        int[] fill = new int[classes];
        for (int i = 0; i < data.size(); i++) {
            int c = data.label(i);
            members[c][fill[c]++] = i;
        }
        boolean[] heldOut = new boolean[data.size()];
        SplitMix64 rng = new SplitMix64(0);
        int heldOutCount = 0;
        for (int c = 0; c < classes; c++) {
            rng.reseed(SplitMix64.derive(seed, c));
            rng.shuffle(members[c], members[c].length);
            int take = (int) Math.round(heldOutFraction * members[c].length);
            for (int j = 0; j < take; j++) {
                heldOut[members[c][j]] = true;
            }
            heldOutCount += take;
        }
        int[] trainIdx = new int[data.size() - heldOutCount];
        int[] testIdx = new int[heldOutCount];
        int a = 0;
        int b = 0;
        for (int i = 0; i < data.size(); i++) {
            if (heldOut[i]) {
                testIdx[b++] = i;
            } else {
                trainIdx[a++] = i;
            }
        }
        String tag = " (seed " + seed + ", held out " + heldOutFraction + ")";
        return new TrainTest(new Subset(data.name() + " train split" + tag, data, trainIdx, null, classes),
                new Subset(data.name() + " held-out split" + tag, data, testIdx, null, classes));
    }
}
