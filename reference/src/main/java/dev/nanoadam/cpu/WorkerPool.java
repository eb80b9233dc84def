package dev.nanoadam.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon threads that run numbered tasks of one job at a time, allocating nothing per
 * job: the caller passes a pre-built {@link Job}, its tasks are claimed through an atomic counter,
 * and the caller takes part. Jobs from different threads are serialised.
 */
public final class WorkerPool {
    /** One parallel job: {@code run(task, worker)} for every task in {@code [0, tasks)}. */
    public interface Job {
        /**
         * Runs task {@code task} on worker {@code worker} ({@code 0 <= worker < size()}); a worker
         * index identifies per-thread scratch.
         */
        void run(int task, int worker);
    }

    private static final WorkerPool SHARED = new WorkerPool(threadCount());

    private final int size;
    private final Thread[] threads;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile Job job;
    private volatile int tasks;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;

    private WorkerPool(int size) {
        this.size = size;
        this.threads = new Thread[size - 1];
        for (int i = 0; i < threads.length; i++) {
            int worker = i + 1;
            Thread t = new Thread(() -> loop(worker), "nanoadam-cpu-" + worker);
            t.setDaemon(true);
            threads[i] = t;
            t.start();
        }
    }

    private static int threadCount() {
        int n = Integer.getInteger("nanoadam.threads", Runtime.getRuntime().availableProcessors());
        return Math.max(1, n);
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

    /** Runs {@code tasks} tasks of {@code job} and returns when all are done; rethrows a task's failure. */
    public synchronized void run(int tasks, Job job) {
        if (tasks <= 0) {
            return;
        }
        if (size == 1 || tasks == 1) {
            for (int i = 0; i < tasks; i++) {
                job.run(i, 0);
            }
            return;
        }
        failure = null;
        next.set(1 << 30); // a worker still leaving the previous job claims nothing of this one
        this.job = job;
        this.tasks = tasks;
        remaining.set(tasks);
        next.set(0);
        generation++;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        work(0);
        int spins = 0;
        while (remaining.get() > 0) {
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
    }

    private void work(int worker) {
        int i;
        while ((i = next.getAndIncrement()) < tasks) {
            Job j = job;
            try {
                if (j != null) {
                    j.run(i, worker);
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                remaining.decrementAndGet();
            }
        }
    }

    private void loop(int worker) {
        long seen = 0;
        while (!closed) {
            long g = generation;
            if (g != seen) {
                seen = g;
                work(worker);
                continue;
            }
            for (int spin = 0; spin < 2000 && generation == seen; spin++) {
                Thread.onSpinWait();
            }
            if (generation == seen) {
                LockSupport.parkNanos(this, 1_000_000L);
            }
        }
    }
}
