/*
 * The non-finite check of SPEC.md section 7: the index of the FIRST NaN or infinity in an array,
 * or -1. Two launches: first_nonfinite_partial leaves each work-group's smallest bad index in
 * partial[group]; first_nonfinite_final reduces those into result[0]. Taking the minimum (rather
 * than whichever bad value some work-item meets first) makes the answer deterministic, so ERROR
 * names, and SKIP stops at, the same value as every other backend.
 */
#pragma OPENCL FP_CONTRACT OFF

#define EXPONENT_BITS 0x7F800000
#define CHECK_GROUP_MAX 256
#define NONE_FOUND 0x7FFFFFFF

/* Tree reduction to the minimum of best[0..group); group is a power of two. */
int group_min(__local int* best, int lid, int group) {
    for (int span = group >> 1; span > 0; span >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < span) {
            best[lid] = min(best[lid], best[lid + span]);
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    return best[0];
}

__kernel void first_nonfinite_partial(
        /* The values to check: gathered gradients in mask order, or a DENSE parameter's all. */
        __global const float* g,
        /* Number of values. */
        int count,
        /* Out: per work-group, the smallest index of a non-finite value it saw, or NONE_FOUND. */
        __global int* partial)
{
    __local int best[CHECK_GROUP_MAX];
    const int lid = get_local_id(0);
    int first = NONE_FOUND;
    for (int i = get_global_id(0); i < count; i += get_global_size(0)) {
        if ((as_int(g[i]) & EXPONENT_BITS) == EXPONENT_BITS) {
            first = min(first, i);
        }
    }
    best[lid] = first;
    int m = group_min(best, lid, get_local_size(0));
    if (lid == 0) {
        partial[get_group_id(0)] = m;
    }
}

__kernel void first_nonfinite_final(
        /* The per-group minima of first_nonfinite_partial. */
        __global const int* partial,
        /* Number of them. */
        int groups,
        /* Out: result[0] = the first bad index, or -1 when every value is finite. */
        __global int* result)
{
    __local int best[CHECK_GROUP_MAX];
    const int lid = get_local_id(0);
    int first = NONE_FOUND;
    for (int i = lid; i < groups; i += get_local_size(0)) {
        first = min(first, partial[i]);
    }
    best[lid] = first;
    int m = group_min(best, lid, get_local_size(0));
    if (lid == 0) {
        result[0] = m == NONE_FOUND ? -1 : m;
    }
}
