package dev.nanoadam.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nanoadam.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The models' explicit SPARSE/DENSE groups agree with SPEC.md §1's default partition rule for
 * every parameter name, and together hold every parameter exactly once, in name order.
 */
class ParameterGroupsTest {
    /** SPEC.md §1: DENSE when the lower-cased name contains norm/head/classifier or matches this. */
    private static final Pattern TORCHVISION_DENSE = Pattern.compile("(^|\\.)(bn\\d*|fc|downsample\\.1)\\.");

    static boolean specSaysDense(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("norm") || lower.contains("head") || lower.contains("classifier")
                || TORCHVISION_DENSE.matcher(name).find();
    }

    private static void check(String model, Model m, Map<String, Parameter> named) {
        List<Parameter> sparse = m.sparseParameters();
        List<Parameter> dense = m.denseParameters();
        Set<Parameter> denseSet = new HashSet<>(dense);
        for (Parameter p : sparse) {
            assertTrue(!specSaysDense(p.name()), model + ": " + p.name() + " is SPARSE but SPEC.md §1 says DENSE");
        }
        for (Parameter p : dense) {
            assertTrue(specSaysDense(p.name()), model + ": " + p.name() + " is DENSE but SPEC.md §1 says SPARSE");
        }
        assertEquals(named.size(), sparse.size() + dense.size(), model + ": groups must hold every parameter once");
        List<String> expectedSparse = new ArrayList<>();
        List<String> expectedDense = new ArrayList<>();
        for (Parameter p : named.values()) {
            (denseSet.contains(p) ? expectedDense : expectedSparse).add(p.name());
        }
        assertEquals(expectedSparse, sparse.stream().map(Parameter::name).toList(), model + ": SPARSE order");
        assertEquals(expectedDense, dense.stream().map(Parameter::name).toList(), model + ": DENSE order");
        List<String> all = m.parameters().stream().map(Parameter::name).toList();
        assertEquals(named.size(), new HashSet<>(all).size(), model + ": duplicate parameter in parameters()");
        assertTrue(!sparse.isEmpty() && !dense.isEmpty(), model + ": both groups must be non-empty");
    }

    @Test
    void transformerAgreesWithTheSpecRule() {
        Transformer t = SharedModels.miniLm();
        check("MiniLM-L6", t, t.namedParameters());
        Transformer small = new Transformer(ModelGradientTest.tinyTransformer(false), 3);
        check("tiny transformer", small, small.namedParameters());
    }

    @Test
    void resnetAgreesWithTheSpecRule() {
        ResNet r = SharedModels.resnet18();
        check("ResNet-18", r, r.namedParameters());
        ResNet tiny = new ResNet(ResNet.Config.tiny(10), 3);
        check("ResNet-8", tiny, tiny.namedParameters());
    }

    /** The rule itself, on names of both families, so that the check above cannot be vacuous. */
    @Test
    void ruleClassifiesKnownNames() {
        for (String dense : List.of("bn1.weight", "layer1.0.bn2.bias", "layer2.0.downsample.1.weight", "fc.bias",
                "embeddings.LayerNorm.weight", "encoder.layer.3.output.LayerNorm.bias", "classifier.weight",
                "lm_head.weight")) {
            assertTrue(specSaysDense(dense), dense);
        }
        for (String sparse : List.of("conv1.weight", "layer2.0.downsample.0.weight", "layer1.0.conv2.weight",
                "embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.bias",
                "encoder.layer.5.intermediate.dense.weight", "encoder.layer.0.output.dense.weight")) {
            assertTrue(!specSaysDense(sparse), sparse);
        }
    }
}
