/** File formats: safetensors, JSON, ONNX import of all-MiniLM-L6-v2, the WordPiece tokenizer. */
module dev.nanoadam.formats {
    requires transitive dev.nanoadam.nn;
    requires com.fasterxml.jackson.core;
    requires com.google.protobuf;

    exports dev.nanoadam.models.io;
    exports dev.nanoadam.models.onnx;
    exports dev.nanoadam.models.text;
}
