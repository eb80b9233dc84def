package dev.nanoadam.distributed;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One rank of the two-rank test job (started by {@code mpirun} from {@link TwoRanksTest}): trains
 * with each of {@link Training#OPTIMIZERS} over MPI, writes its final state to
 * {@code DIR/NAME-rankR.bin}, then makes an MPI call fail on purpose and writes the exception's
 * message to {@code DIR/error-rankR.txt}. Any other failure aborts the whole job.
 */
public final class TwoRankJob {
    private TwoRankJob() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Mpi mpi = Mpi.init();
        try {
            for (String name : Training.OPTIMIZERS) {
                Training.Outcome o = Training.run(name, (model, opt) -> DataParallel.overMpi(mpi, model, opt));
                Training.write(dir.resolve(name + "-rank" + mpi.rank() + ".bin"), o);
            }
            String message = "no exception";
            try (Arena arena = Arena.ofConfined()) {
                mpi.broadcastBytes(arena.allocate(8), -1, 0);   // a negative count: MPI_Bcast returns MPI_ERR_COUNT
            } catch (MpiException e) {
                message = e.getMessage();
            }
            Files.writeString(dir.resolve("error-rank" + mpi.rank() + ".txt"), message, StandardCharsets.UTF_8);
        } catch (Throwable e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            System.err.println("rank " + mpi.rank() + ": " + trace);
            mpi.abort(1);
        }
        mpi.close();
    }
}
