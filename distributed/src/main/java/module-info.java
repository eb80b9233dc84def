/** Data-parallel training on Open MPI, bound through the foreign function and memory API. */
module dev.nanoadam.distributed {
    requires transitive dev.nanoadam.training;
    requires java.management;

    exports dev.nanoadam.distributed;
}
