/** Small real models for fast tests of the commands. */
package dev.nanoadam.experiments.testing;
