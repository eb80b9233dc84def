/**
 * Reading pretrained weights from ONNX files: {@link dev.nanoadam.models.onnx.OnnxReader} parses
 * them with the classes protoc generates from {@code src/main/proto/onnx.proto} (package
 * {@code dev.nanoadam.models.onnx.proto}) and keeps graph nodes, initializers, graph inputs and outputs;
 * {@link dev.nanoadam.models.onnx.BertWeights} names a BERT encoder's tensors the Hugging Face way
 * and lays them out as PyTorch does; {@link dev.nanoadam.models.onnx.MiniLmL6V2} finds the
 * pretrained all-MiniLM-L6-v2 model on the classpath.
 */
package dev.nanoadam.models.onnx;
