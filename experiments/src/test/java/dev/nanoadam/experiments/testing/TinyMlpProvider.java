package dev.nanoadam.experiments.testing;

import dev.nanoadam.experiments.ModelFactory;
import dev.nanoadam.experiments.ModelProvider;
import dev.nanoadam.experiments.Models;
import dev.nanoadam.models.Classifier;
import dev.nanoadam.models.testing.TinyMlp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Offers {@link TinyMlp} over images as {@code tiny-mlp[:hidden=N]} to {@code --model} in tests. */
public final class TinyMlpProvider implements ModelProvider {
    @Override
    public List<String> names() {
        return List.of("tiny-mlp");
    }

    @Override
    public List<String> settingsHelp(String name) {
        return List.of("hidden=N  hidden units (16)");
    }

    @Override
    public ModelFactory open(String name, Map<String, String> settings) {
        Models.checkKnown(name, settings, List.of("hidden"));
        int hidden = Models.positiveInt(name, settings, "hidden", 16);
        return new ModelFactory() {
            @Override
            public String spec() {
                return "tiny-mlp:hidden=" + hidden;
            }

            @Override
            public String description() {
                return "one-hidden-layer perceptron, " + hidden + " hidden units";
            }

            @Override
            public Map<String, Object> config() {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("hidden", (long) hidden);
                return c;
            }

            @Override
            public Classifier create(int channels, int height, int width, int numClasses, long seed) {
                return TinyMlp.images(channels * height * width, hidden, numClasses, seed);
            }
        };
    }
}
