/*
 * The AdamW update of SPEC.md section 6 on compact arrays: entry i of g, w, m, v belong together.
 * A SPARSE parameter's masked update runs it on the K entries its mask selects (the host gathers
 * their gradients and weights in mask order, which is also the order of m and v); a DENSE
 * parameter's update runs it on all n entries. Every operation is one binary32 operation rounded to
 * nearest even: contraction into fused multiply-adds is off (pragma below) and the program is built
 * with -cl-fp32-correctly-rounded-divide-sqrt, so division and sqrt are correctly rounded.
 */
#pragma OPENCL FP_CONTRACT OFF

/* bfloat16 load: exact. */
float bf16_load(ushort b) {
    return as_float(((uint) b) << 16);
}

/* bfloat16 store: round to nearest even from the float32 bit pattern; every NaN to 0x7FC0. */
ushort bf16_store(float x) {
    uint bits = as_uint(x);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) {
        return (ushort) 0x7FC0;
    }
    return (ushort) ((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

/*
 * SPEC.md section 6 on one entry, the one place this program writes it: returns the new weight from
 * the weight x, the gradient gi and the moments m0, v0, and leaves the new moments in *m1 and *v1.
 * Every kernel below calls it, whatever its state type.
 */
float adam_entry(float x, float gi, float m0, float v0, float b1, float b2, float c1, float c2, float step_size,
                 float bc2, float decay, int decay_on, float eps, float* m1, float* v1) {
    if (decay_on) {
        x = x * decay;
    }
    *m1 = b1 * m0 + c1 * gi;
    *v1 = b2 * v0 + c2 * (gi * gi);
    const float d = sqrt(*v1) / bc2 + eps;
    return x - step_size * (*m1 / d);
}

/* The arguments every kernel takes after its arrays: the step's constants (StepConstants). */
#define ADAM_ARGS \
        /* Number of entries; the launch may have more work-items than this. */ \
        int count, \
        /* beta1 */ \
        float b1, \
        /* beta2 */ \
        float b2, \
        /* 1 - beta1, rounded once from double on the host */ \
        float c1, \
        /* 1 - beta2, rounded once from double on the host */ \
        float c2, \
        /* lr / (1 - beta1^tau) */ \
        float step_size, \
        /* sqrt(1 - beta2^tau) */ \
        float bc2, \
        /* 1 - lr * weightDecay */ \
        float decay, \
        /* 1 when weightDecay > 0 (then x = x * decay), else 0 */ \
        int decay_on, \
        /* eps */ \
        float eps

/* The constants of ADAM_ARGS as adam_entry takes them. */
#define ADAM_CONSTANTS b1, b2, c1, c2, step_size, bc2, decay, decay_on, eps

__kernel void adam_update_fp32(
        /* Gradients, count entries (read only). */
        __global const float* g,
        /* Weights, count entries, updated in place. */
        __global float* w,
        /* First moments, count entries, updated in place. */
        __global float* m,
        /* Second moments, count entries, updated in place. */
        __global float* v,
        ADAM_ARGS)
{
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    float m1;
    float v1;
    w[i] = adam_entry(w[i], g[i], m[i], v[i], ADAM_CONSTANTS, &m1, &v1);
    m[i] = m1;
    v[i] = v1;
}

__kernel void adam_update_bf16(
        /* Gradients, count entries (read only). */
        __global const float* g,
        /* Weights, count entries, updated in place. */
        __global float* w,
        /* First moments as bfloat16 bit patterns, count entries, updated in place. */
        __global ushort* m,
        /* Second moments as bfloat16 bit patterns, count entries, updated in place. */
        __global ushort* v,
        ADAM_ARGS)
{
    const int i = get_global_id(0);
    if (i >= count) {
        return;
    }
    float m1;
    float v1;
    w[i] = adam_entry(w[i], g[i], bf16_load(m[i]), bf16_load(v[i]), ADAM_CONSTANTS, &m1, &v1);
    m[i] = bf16_store(m1);
    v[i] = bf16_store(v1);
}
