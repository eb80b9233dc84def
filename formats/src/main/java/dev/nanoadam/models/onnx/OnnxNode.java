package dev.nanoadam.models.onnx;

import java.util.List;
import java.util.Map;

/**
 * One node of an ONNX graph (NodeProto): the operator, its input and output value names in
 * order, and the FLOAT, INT and TENSOR attributes the reader decodes (others are left out; naming
 * needs only topology, and a LayerNorm's epsilon sits in a float attribute).
 *
 * @param name        node name (field 3), may be empty
 * @param opType      operator, e.g. {@code MatMul}, {@code Add} (field 4)
 * @param inputs      input value names (field 1), an empty string for an omitted optional input
 * @param outputs     output value names (field 2)
 * @param floatAttrs  attribute name to float value for attributes of type FLOAT
 * @param intAttrs    attribute name to int64 value for attributes of type INT
 * @param tensorAttrs attribute name to tensor for attributes of type TENSOR (e.g. a Constant's value)
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
                       Map<String, Float> floatAttrs, Map<String, Long> intAttrs,
                       Map<String, OnnxTensor> tensorAttrs) {
    /** Copies the lists and maps so the node is immutable. */
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        floatAttrs = Map.copyOf(floatAttrs);
        intAttrs = Map.copyOf(intAttrs);
        tensorAttrs = Map.copyOf(tensorAttrs);
    }
}
