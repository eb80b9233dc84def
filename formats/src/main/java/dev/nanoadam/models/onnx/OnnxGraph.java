package dev.nanoadam.models.onnx;

import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model's main graph (ModelProto.graph, GraphProto) that weight import
 * needs: nodes in file order (ONNX stores them topologically sorted), initializers by name in
 * file order, and the graph's input and output value names.
 *
 * @param source       the file or resource the graph was read from, for messages
 * @param irVersion    ModelProto.ir_version
 * @param producer     ModelProto.producer_name and producer_version, space-separated
 * @param opsetVersion operator set version imported for the default ONNX domain
 * @param nodes        GraphProto.node, in order
 * @param initializers GraphProto.initializer, name to tensor, in file order
 * @param inputs       GraphProto.input value names
 * @param outputs      GraphProto.output value names
 */
public record OnnxGraph(String source, long irVersion, String producer, long opsetVersion, List<OnnxNode> nodes,
                        Map<String, OnnxTensor> initializers, List<String> inputs, List<String> outputs) {

    /** The initializer called {@code name}; an error naming the file when there is none. */
    public OnnxTensor initializer(String name) throws OnnxFormatException {
        OnnxTensor t = initializers.get(name);
        if (t == null) {
            throw new OnnxFormatException(source + ": no initializer named '" + name + "'");
        }
        return t;
    }
}
