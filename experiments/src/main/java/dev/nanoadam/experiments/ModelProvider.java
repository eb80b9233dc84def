package dev.nanoadam.experiments;

import java.util.List;
import java.util.Map;

/**
 * Offers model factories by name to {@link Models}, found through {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/dev.nanoadam.experiments.ModelProvider}).
 */
public interface ModelProvider {
    /** The model names this provider answers to, e.g. {@code ["resnet"]}. */
    List<String> names();

    /** One line per setting the named model takes, e.g. {@code "width=N  channels of the first stage (16)"}. */
    List<String> settingsHelp(String name);

    /**
     * A factory for the named model with the given settings (unset ones take their defaults).
     *
     * @throws IllegalArgumentException naming an unknown or invalid setting
     */
    ModelFactory open(String name, Map<String, String> settings);
}
