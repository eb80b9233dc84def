/**
 * Text input for the transformer: {@link dev.nanoadam.models.text.WordPieceTokenizer}, a BERT
 * WordPiece tokenizer configured from a Hugging Face {@code tokenizer.json} (read by a small
 * built-in JSON reader), and {@link dev.nanoadam.models.text.BatchEncoding}, padded id batches
 * with attention masks.
 */
package dev.nanoadam.models.text;
