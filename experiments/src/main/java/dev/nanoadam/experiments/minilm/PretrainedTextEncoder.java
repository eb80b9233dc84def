package dev.nanoadam.experiments.minilm;

import dev.nanoadam.models.text.WordPieceTokenizer;

/**
 * A pretrained encoder that the experiment fine-tunes more than once: each run starts from a
 * fresh {@link TextClassifier} holding a copy of the pretrained weights and a new head.
 */
public interface PretrainedTextEncoder {
    /** A short description for reports, e.g. {@code "all-MiniLM-L6-v2 (22.7M parameters)"}. */
    String description();

    /** The encoder's own tokenizer; every id it gives is a valid input of {@link #newClassifier}'s models. */
    WordPieceTokenizer tokenizer();

    /**
     * A classifier with the pretrained encoder weights (copied: runs never share arrays) and a
     * head of {@code numClasses} outputs initialised from {@code seed}.
     */
    TextClassifier newClassifier(int numClasses, long seed);

    /**
     * The pretrained values of encoder parameter {@code name} (live, do not change them), for
     * measuring how far fine-tuning moved each weight.
     *
     * @throws IllegalArgumentException if there is no encoder parameter of that name
     */
    float[] pretrained(String name);
}
