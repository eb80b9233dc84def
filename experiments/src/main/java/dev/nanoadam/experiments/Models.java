package dev.nanoadam.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Looks models up by specification: {@code NAME} or {@code NAME:KEY=VALUE,KEY=VALUE}, e.g.
 * {@code resnet:width=8,blocks=1}. Providers come from {@link ServiceLoader}.
 */
public final class Models {
    private Models() {
    }

    /** The demo's model: sized so that the whole demo runs in a few minutes on two cores. */
    public static final String DEMO = "resnet";

    /** Every model name the providers on the class path offer. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class, Models.class.getClassLoader())) {
            names.addAll(p.names());
        }
        return names;
    }

    /**
     * The factory a specification names.
     *
     * @throws IllegalArgumentException if the syntax is wrong, no provider knows the name, or a
     *     setting is unknown or invalid; the message lists what is available
     */
    public static ModelFactory open(String spec) {
        int colon = spec.indexOf(':');
        String name = (colon < 0 ? spec : spec.substring(0, colon)).strip();
        Map<String, String> settings = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String part : spec.substring(colon + 1).split(",", -1)) {
                int eq = part.indexOf('=');
                if (eq <= 0 || eq == part.length() - 1) {
                    throw new IllegalArgumentException("model '" + spec + "': expected KEY=VALUE after ':', got '" + part + "'");
                }
                String key = part.substring(0, eq).strip();
                if (settings.put(key, part.substring(eq + 1).strip()) != null) {
                    throw new IllegalArgumentException("model '" + spec + "': setting '" + key + "' given twice");
                }
            }
        }
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class, Models.class.getClassLoader())) {
            if (p.names().contains(name)) {
                return p.open(name, settings);
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; available: " + available());
    }

    /** Parses a positive integer setting, naming the model and the setting on failure. */
    public static int positiveInt(String model, Map<String, String> settings, String key, int fallback) {
        String v = settings.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("model " + model + ": setting " + key + " must be a positive integer, got '" + v + "'");
    }

    /** Refuses settings outside {@code known}. */
    public static void checkKnown(String model, Map<String, String> settings, List<String> known) {
        for (String key : settings.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("model " + model + ": unknown setting '" + key + "'; known: " + known);
            }
        }
    }
}
