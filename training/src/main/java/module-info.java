/** The training loop, its evaluation and its one-stream checkpoints. */
module dev.nanoadam.training {
    requires transitive dev.nanoadam.nn;
    requires transitive dev.nanoadam.data;
    requires transitive dev.nanoadam.formats;

    exports dev.nanoadam.models.train;
}
