/** Every backend against cpu-scalar, step by step, on real model training. */
module dev.nanoadam.conformance {
    requires transitive dev.nanoadam.training;

    exports dev.nanoadam.conformance;
}
