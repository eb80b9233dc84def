package dev.nanoadam.experiments;

import dev.nanoadam.NanoAdam;
import dev.nanoadam.Parameter;
import dev.nanoadam.models.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable tensors (names and shapes, no weights) of the architectures {@code nanoadam memory}
 * knows, from their published configurations, with Hugging Face's tensor names so that the default
 * partitions (NanoAdam's DENSE roles, GaLore's projected matrices) apply as they would to the real
 * checkpoints. Tied output heads are counted once, as the checkpoints store them.
 */
public final class Architectures {
    private Architectures() {
    }

    /** One trainable tensor; {@code dense} is its NanoAdam role. */
    public record Tensor(String name, int[] shape, boolean dense) {
        /** Its number of entries. */
        public long size() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }

        /** A tensor with the role NanoAdam gives its name by default. */
        public static Tensor of(String name, int... shape) {
            return new Tensor(name, shape, NanoAdam.isDenseByDefault(name));
        }
    }

    /** Name -> one-line description, in table order. */
    public static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("demo-resnet", "the demo's ResNet-8 (width 16, 28x28 grey images, 5-class head; the model's own roles)");
        NAMES.put("all-minilm-l6-v2", "sentence-transformers/all-MiniLM-L6-v2: BERT, 6 layers, hidden 384, FFN 1536");
        NAMES.put("bert-base", "bert-base-uncased: 12 layers, hidden 768, FFN 3072, vocabulary 30522");
        NAMES.put("opt-1.3b", "facebook/opt-1.3b: 24 layers, hidden 2048, FFN 8192, vocabulary 50272, tied head");
        NAMES.put("llama-3.2-3b", "meta-llama/Llama-3.2-3B: 28 layers, hidden 3072, FFN 8192, 8 KV heads of 128, "
                + "vocabulary 128256, tied head");
    }

    public static List<Tensor> of(String name) {
        return switch (name) {
            case "demo-resnet" -> demoResNet();
            case "all-minilm-l6-v2" -> bert(6, 384, 1536);
            case "bert-base" -> bert(12, 768, 3072);
            case "opt-1.3b" -> opt(24, 2048, 8192, 50272, 2048);
            case "llama-3.2-3b" -> llama(28, 3072, 8192, 1024, 128256);
            default -> throw new IllegalArgumentException("unknown architecture '" + name + "'; known: "
                    + String.join(", ", NAMES.keySet()));
        };
    }

    /** The demo's default model, built (it is small) for its own names, shapes and roles. */
    private static List<Tensor> demoResNet() {
        Model m = Models.open(Models.DEMO).create(1, 28, 28, 5, 0);
        List<Tensor> out = new ArrayList<>();
        for (Parameter p : m.sparseParameters()) {
            out.add(new Tensor(p.name(), p.shape(), false));
        }
        for (Parameter p : m.denseParameters()) {
            out.add(new Tensor(p.name(), p.shape(), true));
        }
        return out;
    }

    /** BERT (bert-base-uncased's config.json: 512 positions, 2 token types), with the pooler. */
    public static List<Tensor> bert(int layers, int h, int ffn) {
        List<Tensor> t = new ArrayList<>();
        t.add(Tensor.of("embeddings.word_embeddings.weight", 30522, h));
        t.add(Tensor.of("embeddings.position_embeddings.weight", 512, h));
        t.add(Tensor.of("embeddings.token_type_embeddings.weight", 2, h));
        t.add(Tensor.of("embeddings.LayerNorm.weight", h));
        t.add(Tensor.of("embeddings.LayerNorm.bias", h));
        for (int i = 0; i < layers; i++) {
            String l = "encoder.layer." + i + ".";
            for (String x : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                t.add(Tensor.of(l + x + ".weight", h, h));
                t.add(Tensor.of(l + x + ".bias", h));
            }
            t.add(Tensor.of(l + "attention.output.LayerNorm.weight", h));
            t.add(Tensor.of(l + "attention.output.LayerNorm.bias", h));
            t.add(Tensor.of(l + "intermediate.dense.weight", ffn, h));
            t.add(Tensor.of(l + "intermediate.dense.bias", ffn));
            t.add(Tensor.of(l + "output.dense.weight", h, ffn));
            t.add(Tensor.of(l + "output.dense.bias", h));
            t.add(Tensor.of(l + "output.LayerNorm.weight", h));
            t.add(Tensor.of(l + "output.LayerNorm.bias", h));
        }
        t.add(Tensor.of("pooler.dense.weight", h, h));
        t.add(Tensor.of("pooler.dense.bias", h));
        return t;
    }

    /** OPT (learned positions with OPT's offset of 2; biases everywhere; the head tied to the embedding). */
    public static List<Tensor> opt(int layers, int h, int ffn, int vocab, int positions) {
        List<Tensor> t = new ArrayList<>();
        t.add(Tensor.of("model.decoder.embed_tokens.weight", vocab, h));
        t.add(Tensor.of("model.decoder.embed_positions.weight", positions + 2, h));
        for (int i = 0; i < layers; i++) {
            String l = "model.decoder.layers." + i + ".";
            for (String x : List.of("k_proj", "v_proj", "q_proj", "out_proj")) {
                t.add(Tensor.of(l + "self_attn." + x + ".weight", h, h));
                t.add(Tensor.of(l + "self_attn." + x + ".bias", h));
            }
            t.add(Tensor.of(l + "self_attn_layer_norm.weight", h));
            t.add(Tensor.of(l + "self_attn_layer_norm.bias", h));
            t.add(Tensor.of(l + "fc1.weight", ffn, h));
            t.add(Tensor.of(l + "fc1.bias", ffn));
            t.add(Tensor.of(l + "fc2.weight", h, ffn));
            t.add(Tensor.of(l + "fc2.bias", h));
            t.add(Tensor.of(l + "final_layer_norm.weight", h));
            t.add(Tensor.of(l + "final_layer_norm.bias", h));
        }
        t.add(Tensor.of("model.decoder.final_layer_norm.weight", h));
        t.add(Tensor.of("model.decoder.final_layer_norm.bias", h));
        return t;
    }

    /** Llama (grouped-query attention, SwiGLU MLP, RMSNorm weights, no biases, tied head). */
    public static List<Tensor> llama(int layers, int h, int ffn, int kv, int vocab) {
        List<Tensor> t = new ArrayList<>();
        t.add(Tensor.of("model.embed_tokens.weight", vocab, h));
        for (int i = 0; i < layers; i++) {
            String l = "model.layers." + i + ".";
            t.add(Tensor.of(l + "self_attn.q_proj.weight", h, h));
            t.add(Tensor.of(l + "self_attn.k_proj.weight", kv, h));
            t.add(Tensor.of(l + "self_attn.v_proj.weight", kv, h));
            t.add(Tensor.of(l + "self_attn.o_proj.weight", h, h));
            t.add(Tensor.of(l + "mlp.gate_proj.weight", ffn, h));
            t.add(Tensor.of(l + "mlp.up_proj.weight", ffn, h));
            t.add(Tensor.of(l + "mlp.down_proj.weight", h, ffn));
            t.add(Tensor.of(l + "input_layernorm.weight", h));
            t.add(Tensor.of(l + "post_attention_layernorm.weight", h));
        }
        t.add(Tensor.of("model.norm.weight", h));
        return t;
    }
}
