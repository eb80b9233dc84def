package dev.nanoadam.distributed;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few calls of Open MPI's C library that data-parallel training needs, bound through the
 * JDK's foreign function API: init and finalize, rank and size, allgather, broadcast, barrier and
 * abort, all on {@code MPI_COMM_WORLD} with {@code MPI_FLOAT} (or {@code MPI_BYTE}) data.
 *
 * <p>Open MPI's predefined handles are addresses of global objects of the library
 * ({@code MPI_COMM_WORLD} is {@code &ompi_mpi_comm_world}, {@code MPI_FLOAT} is
 * {@code &ompi_mpi_float}), looked up here by name. Right after {@code MPI_Init_thread} the
 * communicator's error handler becomes {@code MPI_ERRORS_RETURN}, so that every call returns its
 * error code instead of aborting inside the library; each call is checked, and a failure throws
 * {@link MpiException} naming the call, the rank and MPI's own text for the code.
 *
 * <p>One instance per process ({@link #init()}); calls come from one thread at a time
 * ({@code MPI_THREAD_SERIALIZED}). Transfers read and write native memory only: a caller stages
 * its arrays into the segments it passes (Java arrays are not pinned across a blocking call).
 */
public final class Mpi implements AutoCloseable {
    /** The Open MPI library this binds to (Debian's {@code libopenmpi3}, which {@code libopenmpi-dev} links as {@code libmpi.so}). */
    static final String LIBRARY = "libmpi.so.40";
    private static final int MPI_SUCCESS = 0;
    private static final int MPI_THREAD_SERIALIZED = 2;   // Open MPI's mpi.h: SINGLE 0, FUNNELED 1, SERIALIZED 2, MULTIPLE 3
    private static final int MPI_MAX_ERROR_STRING = 256;

    private static Mpi instance;

    private final MethodHandle commRank;
    private final MethodHandle commSize;
    private final MethodHandle allgather;
    private final MethodHandle bcast;
    private final MethodHandle barrier;
    private final MethodHandle abort;
    private final MethodHandle finalizeCall;
    private final MethodHandle errorString;
    private final MemorySegment world;     // MPI_COMM_WORLD
    private final MemorySegment mpiFloat;  // MPI_FLOAT
    private final MemorySegment mpiByte;   // MPI_BYTE
    private final int rank;
    private final int size;
    private boolean finalized;

    private Mpi() {
        SymbolLookup lib = library();
        Linker linker = Linker.nativeLinker();
        MethodHandle initThread = handle(linker, lib, "MPI_Init_thread", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        MethodHandle setErrhandler = handle(linker, lib, "MPI_Comm_set_errhandler", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        commRank = handle(linker, lib, "MPI_Comm_rank", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        commSize = handle(linker, lib, "MPI_Comm_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // int MPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype, void *recvbuf, int recvcount, MPI_Datatype, MPI_Comm)
        allgather = handle(linker, lib, "MPI_Allgather",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        // int MPI_Bcast(void *buffer, int count, MPI_Datatype, int root, MPI_Comm)
        bcast = handle(linker, lib, "MPI_Bcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        barrier = handle(linker, lib, "MPI_Barrier", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        abort = handle(linker, lib, "MPI_Abort", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        finalizeCall = handle(linker, lib, "MPI_Finalize", FunctionDescriptor.of(JAVA_INT));
        errorString = handle(linker, lib, "MPI_Error_string", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        world = symbol(lib, "ompi_mpi_comm_world");
        mpiFloat = symbol(lib, "ompi_mpi_float");
        mpiByte = symbol(lib, "ompi_mpi_byte");
        MemorySegment errorsReturn = symbol(lib, "ompi_mpi_errors_return");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment provided = arena.allocate(JAVA_INT);
            check("MPI_Init_thread", -1, (int) initThread.invokeExact(MemorySegment.NULL, MemorySegment.NULL,
                    MPI_THREAD_SERIALIZED, provided));
            if (provided.get(JAVA_INT, 0) < MPI_THREAD_SERIALIZED) {
                throw new MpiException("MPI_Init_thread: this Open MPI provides thread level " + provided.get(JAVA_INT, 0)
                        + ", below MPI_THREAD_SERIALIZED (" + MPI_THREAD_SERIALIZED + ")");
            }
            check("MPI_Comm_set_errhandler", -1, (int) setErrhandler.invokeExact(world, errorsReturn));
            MemorySegment out = arena.allocate(JAVA_INT);
            check("MPI_Comm_rank", -1, (int) commRank.invokeExact(world, out));
            rank = out.get(JAVA_INT, 0);
            check("MPI_Comm_size", rank, (int) commSize.invokeExact(world, out));
            size = out.get(JAVA_INT, 0);
        } catch (MpiException e) {
            throw e;
        } catch (Throwable e) {
            throw new MpiException("MPI_Init_thread: " + e, e);
        }
    }

    /**
     * Initialises MPI in this process (once; later calls return the same instance).
     *
     * @throws MpiException if Open MPI's library is missing or a call fails
     */
    public static synchronized Mpi init() {
        if (instance == null) {
            instance = new Mpi();
        }
        if (instance.finalized) {
            throw new MpiException("MPI was finalized in this process and cannot be initialised again");
        }
        return instance;
    }

    /** Whether this process was started by {@code mpirun} (Open MPI sets {@code OMPI_COMM_WORLD_SIZE} for its ranks). */
    public static boolean launchedByMpirun() {
        return System.getenv("OMPI_COMM_WORLD_SIZE") != null;
    }

    /** Whether Open MPI's library can be opened here, and if not, why; null when it can. */
    public static String unavailableReason() {
        try {
            library();
            return null;
        } catch (MpiException e) {
            return e.getMessage();
        }
    }

    private static SymbolLookup library() {
        try {
            return SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new MpiException("Open MPI's library " + LIBRARY + " cannot be opened (" + e.getMessage()
                    + "): install the Debian packages openmpi-bin and libopenmpi-dev");
        }
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new MpiException(LIBRARY + " has no symbol " + name
                + ": this binding needs Open MPI (4.x)"));
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor descriptor) {
        return linker.downcallHandle(symbol(lib, name), descriptor);
    }

    /** This process's rank in {@code MPI_COMM_WORLD}. */
    public int rank() {
        return rank;
    }

    /** The number of ranks in {@code MPI_COMM_WORLD}. */
    public int size() {
        return size;
    }

    /**
     * {@code MPI_Allgather} of {@code count} floats: rank r's {@code send[0..count)} lands at
     * {@code receive[r*count..(r+1)*count)} on every rank.
     */
    public void allgatherFloats(MemorySegment send, MemorySegment receive, int count) {
        long bytes = 4L * count;
        if (send.byteSize() < bytes || receive.byteSize() < bytes * size) {
            throw new IllegalArgumentException("MPI_Allgather on rank " + rank + ": " + count + " floats from each of " + size
                    + " ranks need " + bytes + " and " + bytes * size + " bytes, the segments hold " + send.byteSize()
                    + " and " + receive.byteSize());
        }
        int rc;
        try {
            rc = (int) allgather.invokeExact(send, count, mpiFloat, receive, count, mpiFloat, world);
        } catch (Throwable e) {
            throw new MpiException("MPI_Allgather on rank " + rank + ": " + e, e);
        }
        check("MPI_Allgather", rank, rc);
    }

    /** {@code MPI_Bcast} of {@code bytes} bytes of {@code buffer} from rank {@code root} to every rank. */
    public void broadcastBytes(MemorySegment buffer, int bytes, int root) {
        if (buffer.byteSize() < bytes || root < 0 || root >= size) {
            throw new IllegalArgumentException("MPI_Bcast on rank " + rank + ": " + bytes + " bytes from root " + root
                    + " of " + size + " ranks; the segment holds " + buffer.byteSize());
        }
        int rc;
        try {
            rc = (int) bcast.invokeExact(buffer, bytes, mpiByte, root, world);
        } catch (Throwable e) {
            throw new MpiException("MPI_Bcast on rank " + rank + ": " + e, e);
        }
        check("MPI_Bcast", rank, rc);
    }

    /** {@code MPI_Barrier}: returns once every rank has called it. */
    public void barrier() {
        int rc;
        try {
            rc = (int) barrier.invokeExact(world);
        } catch (Throwable e) {
            throw new MpiException("MPI_Barrier on rank " + rank + ": " + e, e);
        }
        check("MPI_Barrier", rank, rc);
    }

    /**
     * {@code MPI_Abort}: ends every rank of the job with {@code status}; mpirun reports which rank
     * aborted. Does not return normally.
     */
    public void abort(int status) {
        int rc;
        try {
            rc = (int) abort.invokeExact(world, status);
        } catch (Throwable e) {
            throw new MpiException("MPI_Abort on rank " + rank + ": " + e, e);
        }
        check("MPI_Abort", rank, rc);
        throw new MpiException("MPI_Abort on rank " + rank + " returned");
    }

    /** {@code MPI_Finalize}; idempotent. */
    @Override
    public synchronized void close() {
        if (finalized) {
            return;
        }
        finalized = true;
        int rc;
        try {
            rc = (int) finalizeCall.invokeExact();
        } catch (Throwable e) {
            throw new MpiException("MPI_Finalize on rank " + rank + ": " + e, e);
        }
        check("MPI_Finalize", rank, rc);
    }

    /** Throws for any code but MPI_SUCCESS, with MPI's text for it. */
    private void check(String call, int onRank, int rc) {
        if (rc == MPI_SUCCESS) {
            return;
        }
        String text;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(MPI_MAX_ERROR_STRING);
            MemorySegment len = arena.allocate(JAVA_INT);
            int r = errorString == null ? -1 : (int) errorString.invokeExact(rc, buf, len);
            text = r == MPI_SUCCESS ? new String(buf.toArray(ValueLayout.JAVA_BYTE), 0, len.get(JAVA_INT, 0),
                    StandardCharsets.UTF_8) : "no text for this code";
        } catch (Throwable e) {
            text = "no text for this code (" + e + ")";
        }
        throw new MpiException(call + (onRank >= 0 ? " on rank " + onRank : "") + " failed with error " + rc + ": " + text);
    }
}
