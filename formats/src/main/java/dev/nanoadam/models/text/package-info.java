/**
 * Text input for the transformer: {@link dev.nanoadam.models.text.WordPieceTokenizer}, a BERT
 * WordPiece tokenizer configured from a Hugging Face {@code tokenizer.json} (read by a small
 * built-in JSON reader), and {@link dev.nanoadam.models.text.BatchEncoding}, padded id batches
 * with attention masks; {@link dev.nanoadam.models.text.MeanPooling}, sentence embeddings as
 * sentence-transformers computes them (mean over real tokens, L2-normalised).
 */
package dev.nanoadam.models.text;
