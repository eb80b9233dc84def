package dev.nanoadam.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process's one pool of worker threads, shared by the {@code cpu} backend, device backends'
 * host copies and the model code: a fixed set of daemon threads that run the numbered tasks of one
 * job at a time, allocating nothing per job. The caller passes a pre-built {@link Job}; tasks are
 * claimed through an atomic counter, and the calling thread takes part as worker 0.
 *
 * <ul>
 *   <li>Jobs from different threads are serialised. A job started from inside a running task runs
 *       inline on the current worker, so nested parallel code never deadlocks and never shares a
 *       worker's scratch.</li>
 *   <li>Idle workers spin for {@value #SPIN_NANOS} ns after a job (back-to-back jobs start
 *       without a wake-up) and then park until the next job; an idle pool uses no CPU.</li>
 *   <li>The number of workers, the calling thread included, is set once per process by
 *       {@code -Dnanoadam.threads} (default: the available processors).</li>
 * </ul>
 *
 * <p>Which worker runs which task varies from job to job: tasks that must give identical results
 * on every run write disjoint outputs and never sum across tasks in worker order.
 */
public final class WorkerPool {
    /** One parallel job: {@code run(task, worker)} for every task in {@code [0, tasks)}. */
    @FunctionalInterface
    public interface Job {
        /**
         * Runs task {@code task} on worker {@code worker} ({@code 0 <= worker < size()}); a worker
         * index identifies per-thread scratch.
         */
        void run(int task, int worker);
    }

    /** Name of the system property that sets the number of workers. */
    public static final String THREADS_PROPERTY = "nanoadam.threads";

    /** How long an idle worker spins before it parks. */
    private static final long SPIN_NANOS = 50_000;

    private static final WorkerPool SHARED = new WorkerPool(threadCount());

    private final int size;
    private final Worker[] threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger next = new AtomicInteger();
    // Pool threads still inside the current job; the caller returns only when none is, so no
    // thread can claim a task of the next job while leaving this one.
    private final AtomicInteger busy = new AtomicInteger();
    // The running job: written before the volatile write of generation, read after reading it.
    private volatile Job job;
    private volatile int tasks;
    private volatile long generation;
    private volatile Thread caller;
    private volatile Throwable failure;

    private WorkerPool(int size) {
        this.size = size;
        this.threads = new Worker[size - 1];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Worker(i + 1);
            threads[i].start();
        }
    }

    private static int threadCount() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(THREADS_PROPERTY + " = " + value + ": not an integer", e);
        }
        if (n < 1 || n > 4096) {
            throw new IllegalStateException(THREADS_PROPERTY + " = " + value + ": must be in [1, 4096]");
        }
        return n;
    }

    /** The process-wide pool, sized by {@code -Dnanoadam.threads} (default: available processors). */
    public static WorkerPool shared() {
        return SHARED;
    }

    /** Number of workers, the calling thread included. */
    public int size() {
        return size;
    }

    /**
     * The worker the current thread is while it runs a task, or -1 outside of any job. Pool
     * threads always answer their own number.
     */
    public int currentWorker() {
        Thread t = Thread.currentThread();
        if (t instanceof Worker w && w.pool == this) {
            return w.index;
        }
        return t == caller ? 0 : -1;
    }

    /**
     * Makes the current thread the pool's only user until {@link #release()}: code that uses
     * worker 0's scratch between jobs holds it. Reentrant; {@link #run} may be called while held.
     */
    public void acquire() {
        lock.lock();
    }

    /** Ends an {@link #acquire()}. */
    public void release() {
        lock.unlock();
    }

    /**
     * Tasks for a job of {@code work} elements: none smaller than {@code minTask}, at most
     * {@code limit} and four per worker, and a multiple of the worker count once there are that
     * many, so that equal tasks keep every worker busy to the end (5 tasks on 2 workers would
     * leave one worker a sixth of the job alone). At least 1.
     */
    public int tasksFor(long work, long minTask, long limit) {
        long t = Math.min(work / minTask, Math.min(limit, 4L * size));
        if (t > size) {
            t -= t % size;
        }
        return (int) Math.max(1, t);
    }

    /**
     * Runs {@code tasks} tasks of {@code job} and returns when all are done. The first task's
     * failure stops the job (tasks not yet started are skipped) and is rethrown here.
     */
    public void run(int tasks, Job job) {
        if (tasks <= 0) {
            return;
        }
        int self = currentWorker();
        if (self >= 0) {
            for (int i = 0; i < tasks; i++) {
                job.run(i, self);
            }
            return;
        }
        lock.lock();
        try {
            caller = Thread.currentThread();
            if (size == 1 || tasks == 1) {
                for (int i = 0; i < tasks; i++) {
                    job.run(i, 0);
                }
                return;
            }
            failure = null;
            this.job = job;
            this.tasks = tasks;
            next.set(0);
            busy.set(threads.length);
            generation++;
            for (Worker t : threads) {
                LockSupport.unpark(t);
            }
            work(0);
            int spins = 0;
            while (busy.get() > 0) {
                if (++spins < 1 << 16) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            this.job = null;
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException r) {
                    throw r;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f);
            }
        } finally {
            caller = null;
            lock.unlock();
        }
    }

    private void work(int worker) {
        Job j = job;
        int n = tasks;
        int i;
        while ((i = next.getAndIncrement()) < n) {
            try {
                if (failure == null) {
                    j.run(i, worker);
                }
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            }
        }
    }

    private final class Worker extends Thread {
        final int index;
        final WorkerPool pool = WorkerPool.this;

        Worker(int index) {
            super("nanoadam-worker-" + index);
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            // Workers start before any job, so generation 0 is the one already seen; reading the
            // field here instead could skip a job published before this thread got to run.
            long seen = 0;
            while (true) {
                long g = generation;
                if (g == seen) {
                    long start = System.nanoTime();
                    int spins = 0;
                    while ((g = generation) == seen) {
                        Thread.onSpinWait();
                        if ((++spins & 63) == 0 && System.nanoTime() - start > SPIN_NANOS) {
                            break;
                        }
                    }
                    // The caller unparks every worker after publishing a job, so no wake-up is lost.
                    while ((g = generation) == seen) {
                        LockSupport.park(pool);
                    }
                }
                seen = g;
                work(index);
                busy.decrementAndGet();
            }
        }
    }
}
