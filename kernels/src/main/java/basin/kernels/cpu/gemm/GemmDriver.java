package basin.kernels.cpu.gemm;

/**
 * What every GEMM entry point shares: argument checks, the cases that need no product (m·n = 0,
 * k = 0, α = 0), and the split of C across threads.
 *
 * <p>C is cut into equal slabs along its longer side, whole tiles wide, and each thread runs the
 * serial algorithm on its slab with its own packing buffers. Cutting along n makes every thread
 * pack all of op(A) (m·k floats) and cutting along m makes every thread pack all of op(B) (k·n),
 * so the longer side is the cheaper one to cut. Products under {@link #PARALLEL_MIN_WORK}
 * multiply-adds, and calls made while another GEMM holds the pool, run on the calling thread.
 */
final class GemmDriver {
    private GemmDriver() {
    }

    /**
     * Fewest multiply-adds m·n·k worth handing half to a worker: waking a parked thread costs
     * some tens of microseconds, which is what about 2^21 multiply-adds take on one core.
     */
    static final long PARALLEL_MIN_WORK = 1L << 21;

    /** The reusable description of the call being split; guarded by the pool. */
    private static final Slices SLICES = new Slices();

    static void run(String op, SerialGemm serial, int threads, boolean transA, boolean transB,
                    int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        check(op, threads, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(beta, m, n, c, cOff, ldc);
            return;
        }
        GemmPool pool = GemmPool.INSTANCE;
        boolean splitN = n >= m;
        int unit = splitN ? MicroKernel.NR : MicroKernel.MR;
        int extent = splitN ? n : m;
        int parts = Math.min(Math.min(threads, pool.threads()), (extent + unit - 1) / unit);
        if ((long) m * n * k < PARALLEL_MIN_WORK) parts = 1;
        if (parts > 1 && pool.tryAcquire()) {
            try {
                int width = BlockedSgemm.evenBlock(extent, (extent + parts - 1) / parts, unit);
                SLICES.set(serial, splitN, width, transA, transB, m, n, k, alpha,
                        a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                pool.run(SLICES, (extent + width - 1) / width);
            } finally {
                SLICES.clear();
                pool.release();
            }
            return;
        }
        serial.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** C ← β·C; β = 0 writes zeros without reading C. */
    private static void scale(float beta, int m, int n, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? 0f : beta * c[row + j];
        }
    }

    private static void check(String op, int threads, boolean transA, boolean transB,
                              int m, int n, int k, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(String.format(
                    "%s: negative dimension in [%d×%d]·[%d×%d]", op, m, k, k, n));
        }
        if (threads < 1) {
            throw new IllegalArgumentException(op + ": threads must be at least 1, got " + threads);
        }
        checkMatrix(op, "A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix(op, "B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix(op, "C", c, cOff, ldc, m, n);
    }

    /** A row-major rows×cols matrix at x[off + i·ld + j] must lie inside x. */
    private static void checkMatrix(String op, String name, float[] x, int off, int ld,
                                    int rows, int cols) {
        if (ld < cols) {
            throw new IllegalArgumentException(String.format(
                    "%s: %s is stored [%d×%d] but its leading dimension is %d < %d",
                    op, name, rows, cols, ld, cols));
        }
        if (rows == 0 || cols == 0) return;
        if (x == null) {
            throw new IllegalArgumentException(String.format(
                    "%s: %s is stored [%d×%d] but its array is null", op, name, rows, cols));
        }
        long end = off + (long) (rows - 1) * ld + cols;
        if (off < 0 || end > x.length) {
            throw new IllegalArgumentException(String.format(
                    "%s: %s stored [%d×%d] at offset %d with leading dimension %d needs %d floats,"
                            + " its array holds %d", op, name, rows, cols, off, ld, end, x.length));
        }
    }

    /** One slab of C per part: columns (or rows) [part·width, (part+1)·width). */
    private static final class Slices implements GemmPool.Parts {
        private SerialGemm serial;
        private boolean splitN, transA, transB;
        private int width, m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        private float alpha, beta;
        private float[] a, b, c;

        void set(SerialGemm serial, boolean splitN, int width, boolean transA, boolean transB,
                 int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            this.serial = serial;
            this.splitN = splitN;
            this.width = width;
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
        }

        /** Drops the caller's arrays so the pool does not keep them alive. */
        void clear() {
            serial = null;
            a = b = c = null;
        }

        @Override
        public void run(int part) {
            int start = part * width;
            if (splitN) {
                // Columns j0 … j0+w−1 of op(B) start at B[0,j0], or at B[j0,0] when transposed.
                int w = Math.min(width, n - start);
                serial.gemm(transA, transB, m, w, k, alpha, a, aOff, lda,
                        b, bOff + (transB ? start * ldb : start), ldb,
                        beta, c, cOff + start, ldc);
            } else {
                int h = Math.min(width, m - start);
                serial.gemm(transA, transB, h, n, k, alpha,
                        a, aOff + (transA ? start : start * lda), lda, b, bOff, ldb,
                        beta, c, cOff + start * ldc, ldc);
            }
        }
    }
}
