/**
 * The paper's gradient-weight analysis (Section 2, Figure 1 and Eq. (1)) on a model being fine-tuned.
 */
package dev.nanoadam.experiments.analysis;
