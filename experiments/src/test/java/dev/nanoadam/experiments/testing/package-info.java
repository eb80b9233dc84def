/** The tiny-mlp model offered to {@code --model} in tests of the commands. */
package dev.nanoadam.experiments.testing;
