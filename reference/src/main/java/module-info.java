/**
 * NanoAdam and the optimizers beside it ({@code dev.nanoadam}), and the backend SPI with the
 * shared known-answer test ({@code dev.nanoadam.spi}). The CPU backends ({@code dev.nanoadam.cpu})
 * and the file helpers ({@code dev.nanoadam.io}) are internal: open only to this project's own
 * modules that build on them.
 */
module dev.nanoadam {
    requires jdk.incubator.vector;
    requires ejml.core;   // GaLore's SVD; EJML's jars carry no module name, so these are their file names
    requires ejml.ddense;

    exports dev.nanoadam;
    exports dev.nanoadam.spi;
    exports dev.nanoadam.cpu to dev.nanoadam.opencl, dev.nanoadam.tornado, dev.nanoadam.nn, dev.nanoadam.bench;
    exports dev.nanoadam.io to dev.nanoadam.formats, dev.nanoadam.training, dev.nanoadam.experiments, dev.nanoadam.cli;

    uses dev.nanoadam.spi.BackendProvider;
    provides dev.nanoadam.spi.BackendProvider with dev.nanoadam.cpu.CpuBackends;
}
