/**
 * The training loop: {@link dev.nanoadam.models.train.Trainer} runs forward and backward through
 * {@link dev.nanoadam.models.Classifier#lossAndGradients}, steps any {@link dev.nanoadam.Optimizer}
 * (NanoAdam, AdamW, or another implementation of the interface), applies an optional
 * {@link dev.nanoadam.LearningRateSchedule}, evaluates accuracy, reports progress to
 * {@link dev.nanoadam.models.train.TrainingListener}s, and writes checkpoints from which a resumed
 * run continues bit for bit as if it had never stopped.
 */
package dev.nanoadam.models.train;
