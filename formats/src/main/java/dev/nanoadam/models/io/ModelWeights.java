package dev.nanoadam.models.io;

import dev.nanoadam.Parameter;
import dev.nanoadam.models.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Saves and loads a {@link Model}'s weights as safetensors: every parameter under its
 * {@link Parameter#name()} with its shape, and every buffer under its key in
 * {@link Model#buffers()} as a 1-D tensor, all float32.
 *
 * <p>Loading checks everything before it writes anything, so a refused load leaves the model
 * unchanged. Parameters must match their shape exactly; buffers, which carry no shape of their
 * own, must match in element count. Floating-point tensors of other types (F16, BF16, F64) are
 * converted to float32.
 */
public final class ModelWeights {
    private ModelWeights() {
    }

    /** What {@link #loadMatching} did: names loaded, model names absent from the file, file names unused. */
    public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected) {
    }

    /**
     * The model's state by name, parameters (sparse group, then dense) then buffers, as the live
     * arrays (no copies).
     *
     * @throws IllegalArgumentException if two entries share a name
     */
    public static Map<String, float[]> state(Model model) {
        Map<String, float[]> state = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            if (state.put(p.name(), p.data()) != null) {
                throw new IllegalArgumentException("model has two parameters named '" + p.name() + "'");
            }
        }
        for (Map.Entry<String, float[]> b : model.buffers().entrySet()) {
            if (state.put(b.getKey(), b.getValue()) != null) {
                throw new IllegalArgumentException("model buffer '" + b.getKey() + "' has the name of another parameter or buffer");
            }
        }
        return state;
    }

    /** Saves every parameter and buffer as F32, with {@code metadata} in the header, atomically. */
    public static void save(Model model, Path file, Map<String, String> metadata) throws IOException {
        writer(model, metadata).write(file);
    }

    /**
     * A writer that holds every parameter and buffer as F32 and {@code metadata}, to which a caller
     * may add tensors of its own (under names the model does not use) before writing it.
     *
     * @throws IllegalArgumentException if two entries of the model share a name
     */
    public static SafetensorsWriter writer(Model model, Map<String, String> metadata) {
        state(model); // refuses duplicate names before anything is written
        SafetensorsWriter w = new SafetensorsWriter();
        metadata.forEach(w::metadata);
        for (Parameter p : model.parameters()) {
            w.addFloat32(p.name(), p.data(), p.shape());
        }
        for (Map.Entry<String, float[]> b : model.buffers().entrySet()) {
            w.addFloat32(b.getKey(), b.getValue(), b.getValue().length);
        }
        return w;
    }

    /**
     * Loads every parameter and buffer of the model from {@code file}; the file must hold exactly
     * those names.
     *
     * @throws SafetensorsException naming what is missing, unexpected or of the wrong shape or type;
     *     the model is then unchanged
     */
    public static void load(Model model, Path file) throws IOException {
        load(model, file, true);
    }

    /**
     * Loads every parameter and buffer of the model from the open {@code file}, which must hold
     * exactly those names and the tensors {@code others} accepts (tensors a caller stored beside the
     * model's, read separately).
     *
     * @throws SafetensorsException as {@link #load(Model, Path)}; the model is then unchanged
     */
    public static void load(Model model, SafetensorsFile file, Predicate<String> others) throws IOException {
        load(model, file, true, others);
    }

    /**
     * Loads the parameters and buffers whose names the file has (for fine-tuning from weights
     * trained with another head, say) and reports the rest; a name present in both with a different
     * shape or a non-float type is still an error, and then nothing is loaded.
     */
    public static LoadReport loadMatching(Model model, Path file) throws IOException {
        return load(model, file, false);
    }

    private static LoadReport load(Model model, Path file, boolean strict) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return load(model, f, strict, name -> false);
        }
    }

    private static LoadReport load(Model model, SafetensorsFile f, boolean strict, Predicate<String> others)
            throws IOException {
        Path file = f.path();
        Map<String, float[]> state = state(model);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            shapes.put(p.name(), p.shape());
        }
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<TensorInfo> plan = new ArrayList<>();
        for (Map.Entry<String, float[]> e : state.entrySet()) {
            String name = e.getKey();
            if (!f.contains(name)) {
                missing.add(name);
                continue;
            }
            TensorInfo t = f.tensor(name);
            if (!t.dtype().isFloatingPoint()) {
                throw new SafetensorsException(file, "tensor '" + name + "' is " + t.dtype() + ", not a floating-point type");
            }
            int[] shape = shapes.get(name);
            if (shape != null) {
                f.checkShape(t, shape);
            } else if (t.elementCount() != e.getValue().length) {
                throw new SafetensorsException(file, "buffer '" + name + "' has shape " + Arrays.toString(t.shape()) + " ("
                        + t.elementCount() + " elements) but the model's buffer has " + e.getValue().length + " elements");
            }
            plan.add(t);
            loaded.add(name);
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : f.names()) {
            if (!state.containsKey(name) && !others.test(name)) {
                unexpected.add(name);
            }
        }
        if (strict && (!missing.isEmpty() || !unexpected.isEmpty())) {
            throw new SafetensorsException(file, "does not match the model: "
                    + (missing.isEmpty() ? "" : "missing " + summary(missing))
                    + (!missing.isEmpty() && !unexpected.isEmpty() ? "; " : "")
                    + (unexpected.isEmpty() ? "" : "unexpected " + summary(unexpected)));
        }
        for (TensorInfo t : plan) {
            f.copyFloats(t, state.get(t.name()));
        }
        return new LoadReport(List.copyOf(loaded), List.copyOf(missing), List.copyOf(unexpected));
    }

    private static String summary(List<String> names) {
        int shown = Math.min(names.size(), 8);
        return names.size() + " tensor(s) " + names.subList(0, shown) + (shown < names.size() ? " and " + (names.size() - shown) + " more" : "");
    }
}
