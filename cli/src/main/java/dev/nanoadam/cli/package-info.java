/** The {@code nanoadam} commands, run by the {@code ./nanoadam} launcher. */
package dev.nanoadam.cli;
