/**
 * The continual-learning experiment behind {@code nanoadam demo} and {@code nanoadam finetune}:
 * two tasks cut from one image data set ({@link dev.nanoadam.experiments.Tasks}), pretraining on
 * the first with a cache ({@link dev.nanoadam.experiments.Pretraining}), fine-tuning on the
 * second with each optimizer from the same start on the same batches
 * ({@link dev.nanoadam.experiments.FineTuning}), and the measures the paper reports: accuracy on
 * both tasks, forgetting, backbone shift, untouched weights, optimizer state and time. Models are
 * made by {@link dev.nanoadam.experiments.ModelFactory}s found by name
 * ({@link dev.nanoadam.experiments.Models}).
 */
package dev.nanoadam.experiments;
