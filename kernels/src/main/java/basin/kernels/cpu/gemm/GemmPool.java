package basin.kernels.cpu.gemm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Persistent daemon threads that, together with the calling thread, run the parts of one task at
 * a time. The threads are started once, park between calls and are handed work through a field,
 * so a call creates no thread and allocates nothing. One GEMM holds the pool at a time; a caller
 * that finds it held runs serially instead of queueing (see {@link #tryAcquire()}).
 */
final class GemmPool {

    /** A task split into numbered parts 0 … parts−1 that may run concurrently. */
    @FunctionalInterface
    interface Parts {
        void run(int part);
    }

    /** One thread per processor the JVM sees, the caller being one of them. */
    static final GemmPool INSTANCE = new GemmPool(Runtime.getRuntime().availableProcessors());

    /** How long the caller busy-waits for the workers before parking: a few microseconds. */
    private static final int SPINS = 2_000;

    private final ReentrantLock inUse = new ReentrantLock();
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread caller;
    private volatile Throwable failure;

    private GemmPool(int threads) {
        workers = new Worker[Math.max(0, threads - 1)];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker("basin-gemm-" + (w + 1));
            workers[w].start();
        }
    }

    /** Threads available to one task, the caller included. */
    int threads() {
        return workers.length + 1;
    }

    /** Takes the pool for one task; false when another thread holds it. */
    boolean tryAcquire() {
        return inUse.tryLock();
    }

    void release() {
        inUse.unlock();
    }

    /**
     * Runs parts 1 … parts−1 on workers and part 0 on the caller, and returns when all are done.
     * The caller must hold the pool and 1 ≤ parts ≤ {@link #threads()}.
     */
    void run(Parts task, int parts) {
        failure = null;
        caller = Thread.currentThread();
        pending.set(parts - 1);
        for (int w = 0; w < parts - 1; w++) {
            workers[w].assign(task, w + 1);
        }
        Throwable own = null;
        try {
            task.run(0);
        } catch (Throwable t) {
            own = t;
        }
        // The workers still read the task's arrays, so wait for them even when part 0 failed.
        for (int spin = 0; pending.get() != 0; spin++) {
            if (spin < SPINS) Thread.onSpinWait();
            else LockSupport.park(this);
        }
        Throwable t = own != null ? own : failure;
        if (t instanceof RuntimeException) throw (RuntimeException) t;
        if (t instanceof Error) throw (Error) t;
        if (t != null) throw new IllegalStateException("gemm worker failed", t);
    }

    private final class Worker extends Thread {
        private volatile Parts task;
        private int part;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void assign(Parts t, int p) {
            part = p;
            task = t;   // the volatile write publishes part
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Parts t = task;
                if (t == null) {
                    LockSupport.park(this);
                    continue;
                }
                try {
                    t.run(part);
                } catch (Throwable e) {
                    failure = e;
                }
                task = null;
                if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
            }
        }
    }
}
