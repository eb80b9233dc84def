/**
 * Data-parallel training on Open MPI. {@link dev.nanoadam.distributed.Mpi} binds the few MPI calls
 * needed through the JDK's foreign function API; {@link dev.nanoadam.distributed.DataParallel}
 * plugs into the models' {@code Trainer} as its gradient source: each rank computes the gradients
 * of its slice of every batch, the ranks exchange only the entries the step reads (NanoAdam's
 * masked entries and its DENSE tensors; every entry for other optimizers), and each sums them in
 * rank order, so every replica steps to the same weights, bit for bit;
 * {@link dev.nanoadam.distributed.MpiRun} starts such a job with {@code mpirun}. docs/DISTRIBUTED.md
 * explains the design.
 */
package dev.nanoadam.distributed;
