/**
 * Weight files in the safetensors format.
 *
 * <p>{@link dev.nanoadam.models.io.SafetensorsFile} reads a file (memory-mapped) after checking
 * every rule of the format, so a truncated or corrupted file is refused with a
 * {@link dev.nanoadam.models.io.SafetensorsException} that says what is wrong, before anything
 * large is allocated. {@link dev.nanoadam.models.io.SafetensorsWriter} writes one atomically (through
 * {@link dev.nanoadam.io.AtomicFiles}).
 * {@link dev.nanoadam.models.io.ModelWeights} saves and loads a
 * {@link dev.nanoadam.models.Model}'s parameters and buffers by name;
 * {@link dev.nanoadam.models.io.Inspect} lists a file's tensors from the command line.
 * {@link dev.nanoadam.models.io.Json} is the small JSON reader and writer they share.
 */
package dev.nanoadam.models.io;
