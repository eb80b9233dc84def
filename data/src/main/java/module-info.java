/** Data sets read from their packages' files, splits and batch loading. */
module dev.nanoadam.data {
    requires transitive dev.nanoadam.nn;

    exports dev.nanoadam.models.data;
}
