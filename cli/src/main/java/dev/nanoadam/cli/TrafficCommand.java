package dev.nanoadam.cli;

import dev.nanoadam.experiments.Architectures;
import dev.nanoadam.experiments.Architectures.Tensor;
import dev.nanoadam.distributed.ExchangeTiming;
import dev.nanoadam.distributed.Mpi;
import dev.nanoadam.distributed.MpiException;
import dev.nanoadam.distributed.MpiRun;
import dev.nanoadam.distributed.Traffic;
import java.util.ArrayList;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nanoadam traffic}: the bytes each rank of a data-parallel run contributes to one step's
 * exchange, NanoAdam (the masked entries and the DENSE tensors) against AdamW (every entry), for the
 * architectures {@code nanoadam memory} knows ({@link Traffic} counts them as {@code finetune --ranks}
 * packs them, less the model's buffers). With {@code --ranks N} it also times each exchange on N
 * local ranks started with {@code mpirun} ({@link ExchangeTiming}).
 */
@Command(name = "traffic", description = {"Data-parallel bytes per step per rank: NanoAdam (masked entries and DENSE "
        + "tensors) against AdamW (every entry), for named architectures (no weights needed)."})
final class TrafficCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME", split = ",",
            description = "architectures, comma-separated (default: all of demo-resnet, all-minilm-l6-v2, "
                    + "bert-base, opt-1.3b, llama-3.2-3b)")
    List<String> models;

    @Option(names = "--density", defaultValue = "0.1", description = "NanoAdam density k (default: ${DEFAULT-VALUE})")
    double density;

    @Option(names = "--chunk-size", defaultValue = "4096", description = "NanoAdam chunk size (default: ${DEFAULT-VALUE})")
    int chunkSize;

    @Option(names = "--ranks", paramLabel = "N", defaultValue = "1",
            description = "also time each exchange (MPI_Allgather with its staging copies) on N ranks of this machine,"
                    + " started with mpirun; 1: no timing (default: ${DEFAULT-VALUE})")
    int ranks;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "50",
            description = "timed exchanges per payload, after 10 untimed ones (default: ${DEFAULT-VALUE})")
    int iterations;

    @Override
    public Integer call() throws Exception {
        List<String> names = models == null ? List.copyOf(Architectures.NAMES.keySet()) : models;
        if (ranks < 1 || iterations < 1) {
            throw new IllegalArgumentException("--ranks and --iterations must be >= 1, got " + ranks + " and " + iterations);
        }
        if (ranks == 1) {
            print(System.out, names, null);
            return 0;
        }
        if (!Mpi.launchedByMpirun()) {
            List<String> args = new ArrayList<>(List.of("traffic", "--density", Double.toString(density), "--chunk-size",
                    Integer.toString(chunkSize), "--ranks", Integer.toString(ranks), "--iterations", Integer.toString(iterations),
                    "--model", String.join(",", names)));
            MpiRun.Outcome o = MpiRun.run(ranks, MpiRun.thisJvm(Main.class.getName(), args), System.out);
            if (!o.succeeded()) {
                throw new MpiException("the " + ranks + "-rank timing job stopped: " + (o.failedRank() >= 0
                        ? "rank " + o.failedRank() + " " + o.failure() : "mpirun exited with status " + o.status()));
            }
            return 0;
        }
        Mpi mpi = Mpi.init();
        try {
            print(mpi.rank() == 0 ? System.out : new PrintStream(java.io.OutputStream.nullOutputStream()), names, mpi);
        } catch (RuntimeException e) {
            System.err.println("nanoadam traffic: rank " + mpi.rank() + ": " + e.getMessage());
            mpi.abort(Failures.FAILED);
        }
        mpi.close();
        return 0;
    }

    /** The table; with {@code mpi}, each payload also timed on its ranks. */
    void print(PrintStream out, List<String> names, Mpi mpi) {
        out.printf(Locale.ROOT, "Bytes each rank sends per data-parallel step (float32 values; NanoAdam k = %s, chunk %d)%n",
                density, chunkSize);
        if (mpi != null) {
            out.printf(Locale.ROOT, "Exchange time per step on %d ranks of this machine: median (minimum) of %d MPI_Allgather"
                    + " exchanges with their staging copies, in ms%n", mpi.size(), iterations);
        }
        out.printf(Locale.ROOT, "%-18s %15s %15s %15s %17s %17s %8s%s%n", "model", "parameters", "K masked", "DENSE",
                "NanoAdam bytes", "AdamW bytes", "ratio", mpi == null ? "" : String.format(Locale.ROOT, " %21s %21s",
                        "NanoAdam ms", "AdamW ms"));
        for (String name : names) {
            List<Tensor> tensors = Architectures.of(name.toLowerCase(Locale.ROOT));
            long[] sparse = tensors.stream().filter(t -> !t.dense()).mapToLong(Tensor::size).toArray();
            long[] dense = tensors.stream().filter(Tensor::dense).mapToLong(Tensor::size).toArray();
            Traffic t = Traffic.of(sparse, dense, density, chunkSize);
            String times = "";
            if (mpi != null) {
                long[] nano = ExchangeTiming.medianAndMinimum(mpi, Math.toIntExact(t.nanoAdamBytes() / 4), 10, iterations);
                long[] every = ExchangeTiming.medianAndMinimum(mpi, Math.toIntExact(t.everyEntryBytes() / 4), 10, iterations);
                times = String.format(Locale.ROOT, " %10.3f (%8.3f) %10.3f (%8.3f)", nano[0] / 1e6, nano[1] / 1e6,
                        every[0] / 1e6, every[1] / 1e6);
            }
            out.printf(Locale.ROOT, "%-18s %15d %15d %15d %17d %17d %8.3f%s%n", name.toLowerCase(Locale.ROOT), t.all(),
                    t.masked(), t.dense(), t.nanoAdamBytes(), t.everyEntryBytes(),
                    (double) t.nanoAdamBytes() / t.everyEntryBytes(), times);
            out.flush();
        }
    }
}
