/**
 * The CPU backends: {@code cpu-scalar} ({@link dev.nanoadam.cpu.ScalarBackend}, the plain oracle)
 * and {@code cpu} ({@link dev.nanoadam.cpu.VectorBackend}, Vector API on every core), sharing
 * their state bookkeeping, and the allocation-free {@link dev.nanoadam.cpu.WorkerPool}.
 */
package dev.nanoadam.cpu;
