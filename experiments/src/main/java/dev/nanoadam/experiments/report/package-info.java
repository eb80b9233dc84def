/** What the commands show: progress bars on a terminal (one line per phase elsewhere) and PNG charts. */
package dev.nanoadam.experiments.report;
