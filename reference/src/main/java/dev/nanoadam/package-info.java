/**
 * NanoAdam and AdamW for pure-Java training loops.
 *
 * <p>Wrap your tensors as {@link dev.nanoadam.Parameter}s, build an optimizer with
 * {@link dev.nanoadam.NanoAdam#builder()} (or {@link dev.nanoadam.AdamW#builder()}), fill the
 * gradients, call {@code step()}. Every backend computes exactly what {@code docs/SEMANTICS.md}
 * says, bit for bit; {@link dev.nanoadam.NanoAdam} follows that document section by section.
 *
 * <p>The paper's other baselines, {@link dev.nanoadam.AdamW8bit}, {@link dev.nanoadam.MicroAdam} and
 * {@link dev.nanoadam.GaLore}, are built and used the same way ({@code docs/BASELINES.md}).
 */
package dev.nanoadam;
