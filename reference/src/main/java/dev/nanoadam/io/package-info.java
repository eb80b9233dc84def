/**
 * The file plumbing every file of this library goes through: atomic writes (optimizer
 * checkpoints, and through the model side weights, results and plots: a reader or a resumed run
 * sees the old complete file or the new one, never a torn one) and the one checksum (CRC-32C)
 * that checkpoints and manifests carry.
 */
package dev.nanoadam.io;
