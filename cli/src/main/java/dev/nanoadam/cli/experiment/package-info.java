/**
 * The continual-learning experiment behind {@code nanoadam demo} and {@code nanoadam finetune}:
 * two tasks cut from one image data set ({@link dev.nanoadam.cli.experiment.Tasks}), pretraining on
 * the first with a cache ({@link dev.nanoadam.cli.experiment.Pretraining}), fine-tuning on the
 * second with each optimizer from the same start on the same batches
 * ({@link dev.nanoadam.cli.experiment.FineTuning}), and the measures the paper reports: accuracy on
 * both tasks, forgetting, backbone shift, untouched weights, optimizer state and time. Models are
 * made by {@link dev.nanoadam.cli.experiment.ModelFactory}s found by name
 * ({@link dev.nanoadam.cli.experiment.Models}).
 */
package dev.nanoadam.cli.experiment;
