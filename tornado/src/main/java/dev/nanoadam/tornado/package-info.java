/**
 * The TornadoVM backend ({@code "tornado"}): SPEC.md's kernels written in Java and compiled by
 * TornadoVM for the device (OpenCL here; PTX or SPIR-V where TornadoVM has those backends),
 * bit-identical to {@code cpu-scalar}. Runs only in a JVM started with
 * {@code @tornado/target/tornado.argfile}; docs/TORNADO.md says why each option is there.
 */
package dev.nanoadam.tornado;
