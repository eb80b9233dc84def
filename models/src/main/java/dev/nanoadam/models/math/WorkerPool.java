package dev.nanoadam.models.math;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small persistent pool of daemon threads that runs index loops on all cores without
 * allocating per call.
 *
 * <p>{@link #forEach} hands out the indices of a loop one at a time to the calling thread (worker
 * 0) and the pool threads (workers 1..{@code threads()-1}). The worker number lets a body use
 * per-worker scratch space. Loops are serialised: one runs at a time, and a loop started from
 * inside a body runs inline on the current worker, so nested parallel code never deadlocks and
 * never shares a worker's scratch.
 *
 * <p>Which worker runs which index varies between calls; bodies that must give identical results
 * on every run write disjoint outputs per index and never sum across indices in worker order.
 *
 * <p>System property {@code nanoadam.models.threads} sets the number of workers (default: the
 * number of available processors).
 */
public final class WorkerPool {
    /** One iteration of a parallel loop. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs iteration {@code index}.
         *
         * @param index the loop index, in [0, n)
         * @param worker the running worker, in [0, {@link #threads()}): an index into per-worker scratch
         */
        void run(int index, int worker);
    }

    /** Name of the system property that sets the number of workers. */
    public static final String THREADS_PROPERTY = "nanoadam.models.threads";

    /** Spinning before parking keeps back-to-back loops fast without burning a core when idle. */
    private static final long SPIN_NANOS = 50_000;

    private static final int THREADS;
    private static final Worker[] WORKERS;
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final AtomicInteger BUSY = new AtomicInteger();

    // The running loop. Written by the caller before the volatile write of GENERATION and read by
    // workers after reading it, so plain fields are safely published.
    private static Body body;
    private static int count;
    private static volatile int generation;
    private static volatile Thread caller;
    private static volatile Throwable failure;

    static {
        String value = System.getProperty(THREADS_PROPERTY);
        int n = Runtime.getRuntime().availableProcessors();
        if (value != null) {
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalStateException(THREADS_PROPERTY + "=" + value + " is not an integer", e);
            }
            if (n < 1 || n > 4096) {
                throw new IllegalStateException(THREADS_PROPERTY + "=" + value + " must be in [1, 4096]");
            }
        }
        THREADS = n;
        WORKERS = new Worker[n];
        for (int i = 1; i < n; i++) {
            WORKERS[i] = new Worker(i);
            WORKERS[i].start();
        }
    }

    private WorkerPool() {
    }

    /** Number of workers, the calling thread included. */
    public static int threads() {
        return THREADS;
    }

    /**
     * The worker the current thread is while it runs a loop body, or -1 outside of any loop.
     * Pool threads always answer their own number.
     */
    public static int currentWorker() {
        Thread t = Thread.currentThread();
        if (t instanceof Worker w) {
            return w.index;
        }
        return t == caller ? 0 : -1;
    }

    /**
     * Makes the current thread the pool's only user until {@link #release()}: code that uses
     * worker 0's scratch outside of {@link #forEach} holds it. Reentrant.
     */
    public static void acquire() {
        LOCK.lock();
    }

    /** Ends an {@link #acquire()}. */
    public static void release() {
        LOCK.unlock();
    }

    /**
     * Runs {@code body.run(i, worker)} for every i in [0, n) on all workers and returns when all
     * are done. A body's exception is rethrown here (the first one, wrapped) after the loop ends.
     */
    public static void forEach(int n, Body loopBody) {
        if (n <= 0) {
            return;
        }
        int self = currentWorker();
        if (self >= 0) {
            for (int i = 0; i < n; i++) {
                loopBody.run(i, self);
            }
            return;
        }
        LOCK.lock();
        try {
            Thread me = Thread.currentThread();
            caller = me;
            try {
                if (n == 1 || THREADS == 1) {
                    for (int i = 0; i < n; i++) {
                        loopBody.run(i, 0);
                    }
                    return;
                }
                body = loopBody;
                count = n;
                failure = null;
                NEXT.set(0);
                BUSY.set(THREADS - 1);
                generation = generation + 1;
                for (int i = 1; i < THREADS; i++) {
                    LockSupport.unpark(WORKERS[i]);
                }
                runIndices(0);
                int spins = 0;
                while (BUSY.get() != 0) {
                    if (++spins < 1 << 12) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                }
                body = null;
                Throwable t = failure;
                if (t != null) {
                    failure = null;
                    if (t instanceof RuntimeException re) {
                        throw new RuntimeException("parallel loop failed: " + re.getMessage(), re);
                    }
                    if (t instanceof Error e) {
                        throw e;
                    }
                    throw new RuntimeException("parallel loop failed", t);
                }
            } finally {
                caller = null;
            }
        } finally {
            LOCK.unlock();
        }
    }

    private static void runIndices(int worker) {
        Body b = body;
        int n = count;
        int i;
        while ((i = NEXT.getAndIncrement()) < n) {
            try {
                b.run(i, worker);
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
                NEXT.set(n);
            }
        }
    }

    private static final class Worker extends Thread {
        final int index;

        Worker(int index) {
            super("nanoadam-worker-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            // Workers are created before any loop runs, so generation 0 is the one already seen; reading
            // the field here instead could skip a loop published before this thread got to run.
            int seen = 0;
            while (true) {
                int g = generation;
                if (g == seen) {
                    long start = System.nanoTime();
                    int spins = 0;
                    while ((g = generation) == seen) {
                        Thread.onSpinWait();
                        if ((++spins & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                            break;
                        }
                    }
                    while ((g = generation) == seen) {
                        LockSupport.park(this);
                    }
                }
                seen = g;
                runIndices(index);
                BUSY.decrementAndGet();
            }
        }
    }
}
