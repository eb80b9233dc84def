/*
 * Chunked selection, SPEC.md section 4: for each chunk of a SPARSE parameter, the K_c entries that
 * come first in the order (key, index), written as chunk-local indices in ascending order.
 *
 * Two kernels, one work-group per chunk each: select_chunks for groups of up to SELECT_GROUP_MAX
 * work-items (GPUs), and select_chunks_one_item, the same algorithm for a group of one work-item
 * (CPUs run a work-group as one sequential task; there it needs no atomics and no barriers).
 * A three-level radix select (key bits 30..20, 19..10, 9..0) finds the
 * threshold key T, the K_c-th smallest, and how many entries equal to T belong to the selection
 * (`need`). A compaction then writes every index whose key is below T and the `need` lowest-index
 * entries whose key equals T, in ascending index order. The result is the same set and order as a
 * full sort of (key, index) pairs; no step depends on the order in which work-items run.
 */
#pragma OPENCL FP_CONTRACT OFF

#define CRITERION_SMALLEST_MAGNITUDE 0
#define CRITERION_LARGEST_MAGNITUDE 1
#define CRITERION_RANDOM 2
#define CRITERION_LARGEST_GRADIENT 3

#define MAX_KEY 0x7FFFFFFF
#define EXPONENT_BITS 0x7F800000

/* Histogram bins: 2^11 at the first level, 2^10 at the two later ones. */
#define SELECT_BINS 2048
/* Largest work-group the kernel is written for (sizes its local scan arrays). */
#define SELECT_GROUP_MAX 256

/* key(x): the magnitude's bit pattern, +0 and -0 tied, every NaN above +Inf. */
int magnitude_key(float x) {
    int abs = as_int(x) & MAX_KEY;
    return abs > EXPONENT_BITS ? MAX_KEY : abs;
}

/* SplitMix64's finaliser, in the same unsigned 64-bit arithmetic as Java's long. */
ulong splitmix64_mix(ulong z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

/*
 * The 31-bit key whose ascending order (ties to the lower index) is the selection order:
 * LARGEST_* criteria use MAX_KEY - key, as the reference does.
 */
int selection_key(int criterion, __global const float* src, int src_index, ulong random_base, int flat_index) {
    if (criterion == CRITERION_RANDOM) {
        return (int) (splitmix64_mix(random_base ^ (ulong) (long) flat_index) >> 33);
    }
    int key = magnitude_key(src[src_index]);
    return criterion == CRITERION_SMALLEST_MAGNITUDE ? key : MAX_KEY - key;
}

/* Serial exclusive prefix sum of a[0..count), by one work-item; count <= SELECT_GROUP_MAX. */
void exclusive_scan(__local int* a, int count) {
    int running = 0;
    for (int i = 0; i < count; i++) {
        int x = a[i];
        a[i] = running;
        running += x;
    }
}

__kernel void select_chunks(
        /* Input of this launch's chunks, chunk_size floats per chunk, chunk `chunk0` first: the
           weights (magnitude criteria) or the gradients (LARGEST_GRADIENT); not read for RANDOM. */
        __global const float* src,
        /* The parameter's pending mask, K entries; chunk c writes its K_c entries at c * k_full. */
        __global ushort* mask_out,
        /* chunk_size ints holding the chunk's keys when keys_in_local != 0; otherwise one unused
           int, and every pass recomputes the keys from src in global memory. */
        __local int* keys,
        /* 1: keys cached in `keys` (4*C bytes fit the local memory); 0: re-read src per pass. */
        int keys_in_local,
        /* n: element count of the parameter. */
        int n,
        /* C: the chunk length (the last chunk may be shorter). */
        int chunk_size,
        /* Number of chunks of the whole parameter. */
        int chunks,
        /* Index of the chunk that work-group 0 handles (launches cover a batch of chunks). */
        int chunk0,
        /* K_c of every chunk but the last. */
        int k_full,
        /* K_c of the last chunk. */
        int k_last,
        /* One of the CRITERION_* values above. */
        int criterion,
        /* RANDOM's seed ^ (t * 0x9E3779B97F4A7C15) ^ (paramIndex << 40), computed on the host. */
        ulong random_base)
{
    __local int hist[SELECT_BINS];          /* digit counts of the current radix level */
    __local int below[SELECT_GROUP_MAX];    /* per work-item counts, then their exclusive sums */
    __local int equal[SELECT_GROUP_MAX];    /* the same for keys equal to the threshold */
    __local int found_bin;                  /* the level's bin that holds the need-th key */
    __local int found_need;                 /* rank of that key within the bin */

    const int lid = get_local_id(0);
    const int group = get_local_size(0);
    const int c = chunk0 + get_group_id(0);
    const int lo = c * chunk_size;                      /* flat index of the chunk's first entry */
    const int length = min(chunk_size, n - lo);
    const int kc = c == chunks - 1 ? k_last : k_full;
    const int src_base = (c - chunk0) * chunk_size;     /* the chunk's offset in src */
    __global ushort* out = mask_out + c * k_full;

    if (kc == length) {
        /* Every entry is selected (the whole group takes this branch). */
        for (int i = lid; i < length; i += group) {
            out[i] = (ushort) i;
        }
        return;
    }

    if (keys_in_local) {
        for (int i = lid; i < length; i += group) {
            keys[i] = selection_key(criterion, src, src_base + i, random_base, lo + i);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
#define KEY(i) (keys_in_local ? keys[(i)] : selection_key(criterion, src, src_base + (i), random_base, lo + (i)))

    /* Radix select: after each level, `prefix` holds the threshold's bits found so far and
       `need` the threshold's rank among the keys that share them. */
    int prefix = 0;
    int need = kc;
    for (int level = 0; level < 3; level++) {
        const int shift = level == 0 ? 20 : (level == 1 ? 10 : 0);
        const int bins = level == 0 ? 2048 : 1024;
        const int high = shift + (level == 0 ? 11 : 10);   /* keys match when bits >= high agree */

        for (int b = lid; b < bins; b += group) {
            hist[b] = 0;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int i = lid; i < length; i += group) {
            int key = KEY(i);
            if ((key >> high) == (prefix >> high)) {
                atomic_inc(&hist[(key >> shift) & (bins - 1)]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        /* Each work-item sums a contiguous range of bins; a scan of those sums tells which
           work-item's range holds the need-th key, and that one walks its bins. */
        const int per = (bins + group - 1) / group;
        const int b0 = min(lid * per, bins);
        const int b1 = min(b0 + per, bins);
        int sum = 0;
        for (int b = b0; b < b1; b++) {
            sum += hist[b];
        }
        below[lid] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid == 0) {
            exclusive_scan(below, group);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        const int before = below[lid];
        if (before < need && need <= before + sum) {
            int rank = need - before;
            int b = b0;
            while (hist[b] < rank) {
                rank -= hist[b];
                b++;
            }
            found_bin = b;
            found_need = rank;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        prefix |= found_bin << shift;
        need = found_need;
        barrier(CLK_LOCAL_MEM_FENCE);   /* all have read found_* and below[] before they change */
    }
    const int threshold = prefix;

    /* Compaction: each work-item owns a contiguous segment, so the output position of an entry is
       (selected entries in earlier segments) + (selected entries before it in its own segment). */
    const int segment = (length + group - 1) / group;
    const int s0 = min(lid * segment, length);
    const int s1 = min(s0 + segment, length);
    int nb = 0;
    int ne = 0;
    for (int i = s0; i < s1; i++) {
        int key = KEY(i);
        nb += key < threshold;
        ne += key == threshold;
    }
    below[lid] = nb;
    equal[lid] = ne;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid == 0) {
        exclusive_scan(below, group);
        exclusive_scan(equal, group);
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    int tie = equal[lid];                       /* rank of this segment's first tie among all ties */
    int pos = below[lid] + min(tie, need);
    for (int i = s0; i < s1; i++) {
        int key = KEY(i);
        if (key < threshold) {
            out[pos++] = (ushort) i;
        } else if (key == threshold) {
            if (tie < need) {
                out[pos++] = (ushort) i;
            }
            tie++;
        }
    }
#undef KEY
}

__kernel void select_chunks_one_item(
        /* Input of this launch's chunks, chunk_size floats per chunk, chunk `chunk0` first: the
           weights (magnitude criteria) or the gradients (LARGEST_GRADIENT); not read for RANDOM. */
        __global const float* src,
        /* The parameter's pending mask, K entries; chunk c writes its K_c entries at c * k_full. */
        __global ushort* mask_out,
        /* chunk_size ints holding the chunk's keys when keys_in_local != 0; otherwise one unused
           int, and every pass recomputes the keys from src in global memory. */
        __local int* keys,
        /* 1: keys cached in `keys` (4*C bytes fit the local memory); 0: re-read src per pass. */
        int keys_in_local,
        /* n: element count of the parameter. */
        int n,
        /* C: the chunk length (the last chunk may be shorter). */
        int chunk_size,
        /* Number of chunks of the whole parameter. */
        int chunks,
        /* Index of the chunk that work-group 0 handles (launches cover a batch of chunks). */
        int chunk0,
        /* K_c of every chunk but the last. */
        int k_full,
        /* K_c of the last chunk. */
        int k_last,
        /* One of the CRITERION_* values above. */
        int criterion,
        /* RANDOM's seed ^ (t * 0x9E3779B97F4A7C15) ^ (paramIndex << 40), computed on the host. */
        ulong random_base)
{
    __local int hist[SELECT_BINS];          /* digit counts of the current radix level */

    const int c = chunk0 + get_group_id(0);
    const int lo = c * chunk_size;
    const int length = min(chunk_size, n - lo);
    const int kc = c == chunks - 1 ? k_last : k_full;
    const int src_base = (c - chunk0) * chunk_size;
    __global ushort* out = mask_out + c * k_full;

    if (kc == length) {
        for (int i = 0; i < length; i++) {
            out[i] = (ushort) i;
        }
        return;
    }
    if (keys_in_local) {
        for (int i = 0; i < length; i++) {
            keys[i] = selection_key(criterion, src, src_base + i, random_base, lo + i);
        }
    }
#define KEY(i) (keys_in_local ? keys[(i)] : selection_key(criterion, src, src_base + (i), random_base, lo + (i)))

    int prefix = 0;
    int need = kc;
    for (int level = 0; level < 3; level++) {
        const int shift = level == 0 ? 20 : (level == 1 ? 10 : 0);
        const int bins = level == 0 ? 2048 : 1024;
        const int high = shift + (level == 0 ? 11 : 10);
        for (int b = 0; b < bins; b++) {
            hist[b] = 0;
        }
        for (int i = 0; i < length; i++) {
            int key = KEY(i);
            if ((key >> high) == (prefix >> high)) {
                hist[(key >> shift) & (bins - 1)]++;
            }
        }
        int b = 0;
        while (hist[b] < need) {
            need -= hist[b];
            b++;
        }
        prefix |= b << shift;
    }
    const int threshold = prefix;

    /* Every key below the threshold, and the first `need` equal to it, in index order. */
    int pos = 0;
    int ties = need;
    for (int i = 0; i < length; i++) {
        int key = KEY(i);
        if (key < threshold || (key == threshold && ties-- > 0)) {
            out[pos++] = (ushort) i;
        }
    }
#undef KEY
}
