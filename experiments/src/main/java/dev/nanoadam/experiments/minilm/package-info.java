/**
 * Fine-tuning the pretrained sentence encoder all-MiniLM-L6-v2 on fortune topics with NanoAdam
 * and AdamW under one budget: {@link dev.nanoadam.experiments.minilm.MiniLmFinetune} runs the experiment
 * from {@link dev.nanoadam.experiments.minilm.MiniLmOptions} and writes results JSON and plots;
 * {@link dev.nanoadam.experiments.minilm.ContinualMiniLm} runs the continual-learning experiment (fortune
 * topics, then King James Bible books, with all five optimizers) from
 * {@link dev.nanoadam.experiments.minilm.ContinualOptions}.
 */
package dev.nanoadam.experiments.minilm;
