/** JMH benchmarks of the optimizers, backends and models. */
module dev.nanoadam.bench {
    requires dev.nanoadam.training;
    requires java.management;
    requires jdk.incubator.vector;
    requires jmh.core;    // JMH's jar carries no module name: this is its file name

    exports dev.nanoadam.bench;
}
