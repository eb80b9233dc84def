/**
 * The OpenCL backend ({@code "opencl"}, {@code "opencl:<platform>:<device>"}): SPEC.md §10's
 * kernels written in OpenCL C 1.2 (the {@code .cl} resources beside these classes) and run through
 * JOCL. {@link dev.nanoadam.opencl.OpenClProvider} plugs it into {@link dev.nanoadam.spi.Backends};
 * {@link dev.nanoadam.opencl.OpenClBackend} keeps masks and moments on the device and moves only
 * what each step reads and changes.
 */
package dev.nanoadam.opencl;
