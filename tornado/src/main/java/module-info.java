/** The TornadoVM backend ({@code tornado}): kernels written in Java, compiled by TornadoVM. */
module dev.nanoadam.tornado {
    requires transitive dev.nanoadam;
    requires tornado.api;

    exports dev.nanoadam.tornado;

    provides dev.nanoadam.spi.BackendProvider with dev.nanoadam.tornado.TornadoProvider;
}
