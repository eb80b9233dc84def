/**
 * Layers with forward and hand-written backward passes, for the models in
 * {@code dev.nanoadam.models}.
 *
 * <p>Conventions shared by every layer:
 * <ul>
 *   <li>Activations are flat row-major float arrays passed in by the caller, which owns them and
 *       keeps whatever the backward pass needs. Token layers use {@code [rows, features]}; image
 *       layers use the channel-major layout {@code [C, N, H, W]}, which turns a convolution over
 *       the whole batch into one matrix product and keeps each channel's statistics contiguous.</li>
 *   <li>{@code backward} adds into the parameters' gradients ({@code Parameter.grad()}), never
 *       zeroes them, and writes the input gradient into a caller array: overwriting it, or adding
 *       to it when the call says {@code accumulate} (for residual branches).</li>
 *   <li>Small caches a layer needs between its forward and backward passes (normalisation
 *       statistics, attention probabilities, pooling arg-max) live in the layer, sized on first
 *       use and regrown only for a larger batch; after that no call allocates.</li>
 *   <li>A layer instance is not thread-safe; its heavy loops run on {@link
 *       dev.nanoadam.cpu.WorkerPool}.</li>
 * </ul>
 */
package dev.nanoadam.models.nn;
