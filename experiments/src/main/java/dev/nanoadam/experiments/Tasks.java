package dev.nanoadam.experiments;

import dev.nanoadam.models.data.Dataset;
import dev.nanoadam.models.data.Datasets;
import dev.nanoadam.models.data.ImageDataset;
import dev.nanoadam.models.data.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The two tasks of a continual-learning experiment, cut from one image data set by class: task 1
 * (pretraining) and task 2 (fine-tuning), each with its training and test examples, relabelled
 * {@code 0..k-1} in the order the classes are listed. Pixels are standardised with the mean and
 * standard deviation of the whole training part, the same for both tasks.
 *
 * @param task1Classes original labels of task 1, e.g. {@code [0, 1, 2, 3, 4]}
 * @param task2Classes original labels of task 2
 */
public record Tasks(ImageData data, int[] task1Classes, int[] task2Classes,
                    Dataset task1Train, Dataset task1Test, Dataset task2Train, Dataset task2Test,
                    int channels, int height, int width) {

    public Tasks {
        Objects.requireNonNull(data, "data");
        task1Classes = task1Classes.clone();
        task2Classes = task2Classes.clone();
    }

    @Override
    public int[] task1Classes() {
        return task1Classes.clone();
    }

    @Override
    public int[] task2Classes() {
        return task2Classes.clone();
    }

    /**
     * Loads both parts of {@code data} from {@code dir} (null: where its package installs it) and
     * cuts the two tasks.
     *
     * @throws IllegalArgumentException if a class is out of range, listed twice, or in both tasks
     * @throws dev.nanoadam.models.data.DatasetNotFoundException if the data set is not installed
     */
    public static Tasks load(ImageData data, Path dir, int[] task1Classes, int[] task2Classes) throws IOException {
        return load(data, dir, task1Classes, task2Classes, 0);
    }

    /**
     * As {@link #load(ImageData, Path, int[], int[])}, keeping only the first {@code testExamples}
     * test examples of each task (0: all of them), for quick runs.
     */
    public static Tasks load(ImageData data, Path dir, int[] task1Classes, int[] task2Classes, int testExamples)
            throws IOException {
        if (testExamples < 0) {
            throw new IllegalArgumentException("test examples must be >= 0 (0: all), got " + testExamples);
        }
        checkDisjoint(task1Classes, task2Classes);
        ImageDataset train = data.load(dir, Split.TRAIN);
        ImageDataset test = data.load(dir, Split.TEST);
        float mean = (float) train.pixelMean();
        float std = (float) train.pixelStd();
        train = train.standardized(mean, std);
        test = test.standardized(mean, std);
        Dataset test1 = Datasets.classSubset(test, task1Classes);
        Dataset test2 = Datasets.classSubset(test, task2Classes);
        if (testExamples > 0) {
            test1 = Datasets.head(test1, testExamples);
            test2 = Datasets.head(test2, testExamples);
        }
        return new Tasks(data, task1Classes, task2Classes, Datasets.classSubset(train, task1Classes), test1,
                Datasets.classSubset(train, task2Classes), test2, train.channels(), train.height(), train.width());
    }

    private static void checkDisjoint(int[] a, int[] b) {
        for (int x : a) {
            for (int y : b) {
                if (x == y) {
                    throw new IllegalArgumentException("class " + x + " is in both tasks: " + Arrays.toString(a)
                            + " and " + Arrays.toString(b));
                }
            }
        }
    }

    /** {@code "0-4"} for consecutive classes, else {@code "0,2,7"}. */
    public static String describe(int[] classes) {
        boolean consecutive = classes.length > 1;
        for (int i = 1; i < classes.length; i++) {
            consecutive &= classes[i] == classes[i - 1] + 1;
        }
        if (consecutive) {
            return classes[0] + "-" + classes[classes.length - 1];
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < classes.length; i++) {
            sb.append(i == 0 ? "" : ",").append(classes[i]);
        }
        return sb.toString();
    }

    /**
     * Parses a class list: ranges and single classes separated by commas, e.g. {@code 0-4} or
     * {@code 5,7,9} or {@code 0-2,8}.
     *
     * @throws IllegalArgumentException on bad syntax, a descending range or an empty list
     */
    public static int[] parseClasses(String text) {
        List<String> parts = Arrays.asList(text.split(",", -1));
        int[] out = new int[0];
        for (String raw : parts) {
            String part = raw.strip();
            int dash = part.indexOf('-', 1);
            try {
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash).strip());
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).strip());
                if (from < 0 || to < from) {
                    throw new IllegalArgumentException("classes '" + text + "': '" + part + "' is not a class or an ascending range");
                }
                int base = out.length;
                out = Arrays.copyOf(out, base + (to - from + 1));
                for (int c = from; c <= to; c++) {
                    out[base + c - from] = c;
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("classes '" + text + "': '" + part + "' is not a class number or a range like 0-4");
            }
        }
        return out;
    }
}
