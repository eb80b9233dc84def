/**
 * JMH benchmarks. Each benchmark class validates its result once against the reference before it
 * measures (STYLE.md rule 9). Run with {@code ./nanoadam bench [JMH args]}.
 */
package dev.nanoadam.bench;
