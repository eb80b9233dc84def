/**
 * Fine-tuning the pretrained sentence encoder all-MiniLM-L6-v2 on fortune topics with NanoAdam
 * and AdamW under one budget: {@link dev.nanoadam.cli.minilm.MiniLmFinetune} runs the experiment
 * from {@link dev.nanoadam.cli.minilm.MiniLmOptions} and writes results JSON and plots.
 */
package dev.nanoadam.cli.minilm;
