package dev.nanoadam.distributed;

import dev.nanoadam.spi.SpecMath;

/**
 * What a rank contributes to one data-parallel step's exchange, counted from tensor sizes alone,
 * as {@link DataParallel} packs it (less the model's buffers, which it adds): for NanoAdam the K
 * masked gradient entries of the SPARSE tensors (SPEC.md §4's chunked K at density {@code k}), every
 * entry of the DENSE tensors and the loss; for AdamW (or any optimizer that reads every entry) all N
 * entries and the loss. Four bytes per value.
 *
 * @param masked K: the masked entries of the SPARSE tensors
 * @param dense the entries of the DENSE tensors
 * @param all N: every entry
 */
public record Traffic(long masked, long dense, long all) {

    /**
     * @param sparseSizes entries of each SPARSE tensor
     * @param denseSizes entries of each DENSE tensor
     * @param density NanoAdam's k
     * @param chunkSize NanoAdam's chunk size C
     */
    public static Traffic of(long[] sparseSizes, long[] denseSizes, double density, int chunkSize) {
        if (!(density > 0 && density <= 1) || chunkSize < 1) {
            throw new IllegalArgumentException("density must be in (0, 1] and chunk size >= 1, got " + density + " and "
                    + chunkSize);
        }
        long k = 0;
        long all = 0;
        for (long n : sparseSizes) {
            long full = n / chunkSize;
            int last = (int) (n % chunkSize);
            k += full * (full > 0 ? SpecMath.chunkK(density, chunkSize) : 0) + (last > 0 ? SpecMath.chunkK(density, last) : 0);
            all += n;
        }
        long dense = 0;
        for (long n : denseSizes) {
            dense += n;
        }
        return new Traffic(k, dense, all + dense);
    }

    /** NanoAdam's bytes per step per rank: K masked entries, the DENSE tensors and the loss. */
    public long nanoAdamBytes() {
        return 4 * (masked + dense + 1);
    }

    /** AdamW's bytes per step per rank: all N entries and the loss. */
    public long everyEntryBytes() {
        return 4 * (all + 1);
    }
}
