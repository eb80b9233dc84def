/** Layers and models with exact gradients, and the Vector API math under them. */
module dev.nanoadam.nn {
    requires transitive dev.nanoadam;
    requires transitive jdk.incubator.vector;

    exports dev.nanoadam.models;
    exports dev.nanoadam.models.math;
    exports dev.nanoadam.models.nn;
}
