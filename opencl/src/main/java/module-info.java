/** The OpenCL backend ({@code opencl}): hand-written kernels in OpenCL C, run through JOCL. */
module dev.nanoadam.opencl {
    requires transitive dev.nanoadam;
    requires jocl;        // JOCL's jar carries no module name: this is its file name

    exports dev.nanoadam.opencl;

    provides dev.nanoadam.spi.BackendProvider with dev.nanoadam.opencl.OpenClProvider;
}
