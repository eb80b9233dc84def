/**
 * Fast float32 math for the models: a blocked, packed, multi-threaded {@link
 * dev.nanoadam.models.math.Gemm}, convolution lowering ({@link dev.nanoadam.models.math.Im2col}),
 * an accurate {@link
 * dev.nanoadam.models.math.Erf} and small vectorised array routines ({@link
 * dev.nanoadam.models.math.ArrayMath}).
 *
 * <p>Vector widths are chosen once, in {@link dev.nanoadam.models.math.Simd}; the system property
 * {@code nanoadam.models.vectorBits} forces a narrower width or the scalar path. This is model
 * math, not the optimizer's update, so fused multiply-add is used freely.
 *
 * <p>Parallel loops run on the process's one worker pool, {@link dev.nanoadam.cpu.WorkerPool}
 * (shared with the optimizer's {@code cpu} backend, sized by {@code -Dnanoadam.threads}).
 */
package dev.nanoadam.models.math;
