/*
 * The moment remap of SPEC.md section 5 when a SPARSE parameter's pending mask becomes current.
 * RESET (carry = 0): every new m, v is 0. CARRY (carry = 1): entry j of the new mask keeps the m, v
 * of the old entry with the same flat index, if there is one, else starts at 0. Both masks hold
 * chunk-local indices, ascending within a chunk, so entry j finds its twin by a binary search in
 * the old mask's part for the same chunk. The values are copied as raw bits: one kernel per width
 * (32 bits for FP32 state, 16 for BF16).
 */
#pragma OPENCL FP_CONTRACT OFF

/* Position of `local_index` in old_mask[lo, end), or -1; old_mask is ascending there. */
int find_in_chunk(__global const ushort* old_mask, int lo, int end, ushort local_index) {
    int hi = end;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (old_mask[mid] < local_index) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < end && old_mask[lo] == local_index ? lo : -1;
}

/* Where entry j of the new mask has its twin in the old mask, or -1 (none, or RESET). */
int twin(__global const ushort* old_mask, int old_total, int old_full, int old_last,
         __global const ushort* new_mask, int new_full, int chunks, int carry, int j) {
    if (!carry || old_total == 0) {
        return -1;
    }
    const int c = min(j / new_full, chunks - 1);
    const int lo = c * old_full;
    const int hi = lo + (c == chunks - 1 ? old_last : old_full);
    if (lo >= hi) {
        return -1;
    }
    return find_in_chunk(old_mask, lo, hi, new_mask[j]);
}

__kernel void remap_moments_32(
        /* The current (old) mask, old_total entries; unused when carry = 0 or old_total = 0. */
        __global const ushort* old_mask,
        /* Old m as raw 32-bit patterns, in old-mask order. */
        __global const uint* old_m,
        /* Old v as raw 32-bit patterns, in old-mask order. */
        __global const uint* old_v,
        /* K of the old mask (0 before the first refresh). */
        int old_total,
        /* K_c of the old mask's full chunks. */
        int old_full,
        /* K_c of the old mask's last chunk. */
        int old_last,
        /* The pending (new) mask, new_total entries. */
        __global const ushort* new_mask,
        /* Out: new m in new-mask order (not the old_m buffer when carrying). */
        __global uint* new_m,
        /* Out: new v in new-mask order (not the old_v buffer when carrying). */
        __global uint* new_v,
        /* K of the new mask. */
        int new_total,
        /* K_c of the new mask's full chunks. */
        int new_full,
        /* Number of chunks of the parameter. */
        int chunks,
        /* 1 for CARRY, 0 for RESET. */
        int carry)
{
    const int j = get_global_id(0);
    if (j >= new_total) {
        return;
    }
    const int o = twin(old_mask, old_total, old_full, old_last, new_mask, new_full, chunks, carry, j);
    new_m[j] = o < 0 ? 0u : old_m[o];
    new_v[j] = o < 0 ? 0u : old_v[o];
}

__kernel void remap_moments_16(
        /* The current (old) mask, old_total entries; unused when carry = 0 or old_total = 0. */
        __global const ushort* old_mask,
        /* Old m as bfloat16 bit patterns, in old-mask order. */
        __global const ushort* old_m,
        /* Old v as bfloat16 bit patterns, in old-mask order. */
        __global const ushort* old_v,
        /* K of the old mask (0 before the first refresh). */
        int old_total,
        /* K_c of the old mask's full chunks. */
        int old_full,
        /* K_c of the old mask's last chunk. */
        int old_last,
        /* The pending (new) mask, new_total entries. */
        __global const ushort* new_mask,
        /* Out: new m in new-mask order (not the old_m buffer when carrying). */
        __global ushort* new_m,
        /* Out: new v in new-mask order (not the old_v buffer when carrying). */
        __global ushort* new_v,
        /* K of the new mask. */
        int new_total,
        /* K_c of the new mask's full chunks. */
        int new_full,
        /* Number of chunks of the parameter. */
        int chunks,
        /* 1 for CARRY, 0 for RESET. */
        int carry)
{
    const int j = get_global_id(0);
    if (j >= new_total) {
        return;
    }
    const int o = twin(old_mask, old_total, old_full, old_last, new_mask, new_full, chunks, carry, j);
    new_m[j] = o < 0 ? (ushort) 0 : old_m[o];
    new_v[j] = o < 0 ? (ushort) 0 : old_v[o];
}
