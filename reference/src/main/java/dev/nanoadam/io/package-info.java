/**
 * Atomic file writes, the one way every file of this library (optimizer checkpoints, and through
 * the model side weights, results and plots) reaches the disk: a reader or a resumed run sees the
 * old complete file or the new one, never a torn one.
 */
package dev.nanoadam.io;
