/**
 * Conformance: every backend computes exactly what the {@code cpu-scalar} oracle computes, on real
 * model training, step for step and bit for bit.
 *
 * <p>{@link dev.nanoadam.conformance.Lockstep} trains one {@link dev.nanoadam.conformance.Workload}
 * (a model from a seed, real batches) in two independent runs, one per backend, and compares the
 * loss, gradients, buffers, weights, masks and moments after every step; a
 * {@link dev.nanoadam.conformance.Handover} moves one run to the other backend through a
 * checkpoint. {@link dev.nanoadam.conformance.ConfigSpace} says which
 * {@link dev.nanoadam.conformance.Configuration}s to run, a disagreement is a
 * {@link dev.nanoadam.conformance.Mismatch} naming the backends, model, tensor, step, first index,
 * count and both values' bits, and {@link dev.nanoadam.conformance.DeviceCheck} runs it all against
 * one device within a time budget ({@code nanoadam conformance --device NAME}).
 * {@link dev.nanoadam.conformance.Budget} holds every knob of how much runs.
 */
package dev.nanoadam.conformance;
