package dev.nanoadam.spi;

import dev.nanoadam.StateType;

/**
 * What a backend must hold state for: the SPARSE and DENSE parameters (names and element counts,
 * in build order), the chunk size of the selection and the state type.
 *
 * @param sparseNames names of the SPARSE parameters, in build order
 * @param sparseSizes element counts of the SPARSE parameters
 * @param denseNames  names of the DENSE parameters, in build order
 * @param denseSizes  element counts of the DENSE parameters
 * @param chunkSize   C of SPEC.md §4
 * @param stateType   how m and v are stored
 */
public record Layout(String[] sparseNames, int[] sparseSizes, String[] denseNames, int[] denseSizes,
                     int chunkSize, StateType stateType) {

    public int sparseCount() {
        return sparseSizes.length;
    }

    public int denseCount() {
        return denseSizes.length;
    }

    /** Number of chunks of a parameter of {@code n} elements. */
    public int chunks(int n) {
        return (int) ((n + (long) chunkSize - 1) / chunkSize);
    }
}
