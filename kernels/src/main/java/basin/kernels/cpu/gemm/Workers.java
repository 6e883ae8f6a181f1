package basin.kernels.cpu.gemm;

/**
 * Lends GEMM's persistent threads to the other CPU kernels (im2col, col2im, pooling), so that all
 * kernels share one set of threads and never oversubscribe the cores. A range [0, n) is cut into
 * one contiguous slab per thread; the body must write disjoint outputs for disjoint slabs. Small
 * jobs, and calls made while a GEMM or another kernel holds the pool, run on the calling thread.
 */
public final class Workers {
    private Workers() {
    }

    /** A loop body over the slab [from, to) of the range. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /**
     * Fewest element operations worth waking a worker for: a wake-up costs some microseconds to
     * tens of microseconds, about what 2^16 simple loads and stores take on one core. (At 2^18, a
     * convolution's im2col of one chunk, 2^18 floats, always ran on one thread.)
     */
    public static final long PARALLEL_MIN_WORK = 1L << 16;

    private static final Slabs SLABS = new Slabs();

    /** Runs body over [0, n), split across the pool when {@code work} (element operations in all) pays for it. */
    public static void forRange(int n, long work, Range body) {
        GemmPool pool = GemmPool.INSTANCE;
        int parts = Math.min(pool.threads(), n);
        if (parts > 1 && work >= PARALLEL_MIN_WORK && pool.tryAcquire()) {
            try {
                SLABS.set(body, n, parts);
                pool.run(SLABS, parts);
            } finally {
                SLABS.set(null, 0, 1);
                pool.release();
            }
            return;
        }
        body.run(0, n);
    }

    /** The reusable split of one call; guarded by the pool. */
    private static final class Slabs implements GemmPool.Parts {
        private Range body;
        private int n, parts;

        void set(Range body, int n, int parts) {
            this.body = body;
            this.n = n;
            this.parts = parts;
        }

        @Override
        public void run(int part) {
            long from = (long) n * part / parts, to = (long) n * (part + 1) / parts;
            body.run((int) from, (int) to);
        }
    }
}
