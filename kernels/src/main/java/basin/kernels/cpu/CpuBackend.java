package basin.kernels.cpu;

import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.BackendChecks;
import basin.kernels.BroadcastOp;
import basin.kernels.Buffer;
import basin.kernels.Window2d;
import basin.kernels.cpu.conv.WindowKernels;
import basin.kernels.cpu.elementwise.DropoutHash;
import basin.kernels.cpu.elementwise.Transposition;
import basin.kernels.cpu.elementwise.VectorLoops;
import basin.kernels.cpu.gemm.Sgemm;
import basin.kernels.cpu.gemm.Workers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The pure-Java backend. GEMM is the cache-blocked, packed, register-tiled {@link Sgemm} on all
 * cores; the element-wise loops are plain counted loops over arrays, which HotSpot's C2 compiler
 * turns into SIMD code (and {@link VectorLoops} where it does not), split across GEMM's threads
 * ({@link Workers}) when they are long enough to pay for the wake-up. Every element-wise and
 * reduction result is the same on any number of threads: threads split the outputs, never a sum. Buffers come from a pool keyed by length, so that a loop of HVPs inside an
 * {@link Arena} allocates nothing after its first pass.
 */
public final class CpuBackend implements Backend {

    private static final CpuBackend INSTANCE = new CpuBackend();

    private final Map<Integer, ConcurrentLinkedDeque<float[]>> pool = new ConcurrentHashMap<>();

    private CpuBackend() {
    }

    /** The process-wide CPU backend. */
    public static CpuBackend get() {
        return INSTANCE;
    }

    @Override
    public String name() {
        return "cpu";
    }

    // ---- storage ------------------------------------------------------------------------------

    @Override
    public Buffer allocate(int n) {
        if (n < 0) throw new IllegalArgumentException("allocate: negative length " + n);
        ConcurrentLinkedDeque<float[]> free = pool.get(n);
        float[] data = free == null ? null : free.pollFirst();
        CpuBuffer b = new CpuBuffer(this, data != null ? data : new float[n], 0, n, true);
        Arena.adopt(b);
        return b;
    }

    @Override
    public void release(Buffer buffer) {
        CpuBuffer b = cpu(buffer, "release");
        // Twice on the pool, one array would back two later buffers; an arena may release a buffer its user released too.
        if (!b.pooled || !b.returned.compareAndSet(false, true)) return;
        pool.computeIfAbsent(b.length, k -> new ConcurrentLinkedDeque<>()).addFirst(b.data);
    }

    /** Drops every pooled array (for tests and for long runs that change shapes). */
    public void clearPool() {
        pool.clear();
    }

    @Override
    public void copyIn(float[] src, int srcOffset, Buffer dst) {
        CpuBuffer d = cpu(dst, "copyIn");
        System.arraycopy(src, srcOffset, d.data, d.offset, d.length);
    }

    @Override
    public void copyOut(Buffer src, float[] dst, int dstOffset) {
        CpuBuffer s = cpu(src, "copyOut");
        System.arraycopy(s.data, s.offset, dst, dstOffset, s.length);
    }

    @Override
    public void copy(Buffer src, Buffer dst) {
        CpuBuffer s = cpu(src, "copy"), d = cpu(dst, "copy");
        BackendChecks.sameLength("copy", s, d);
        System.arraycopy(s.data, s.offset, d.data, d.offset, s.length);
    }

    @Override
    public void fill(Buffer dst, float value) {
        CpuBuffer d = cpu(dst, "fill");
        java.util.Arrays.fill(d.data, d.offset, d.offset + d.length, value);
    }

    // ---- BLAS ---------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        CpuBuffer ca = cpu(a, "gemm"), cb = cpu(b, "gemm"), cc = cpu(c, "gemm");
        BackendChecks.gemm(ca, cb, cc, m, n, k);
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        Sgemm.sgemm(transA, transB, m, n, k, alpha, ca.data, ca.offset, lda,
                cb.data, cb.offset, ldb, beta, cc.data, cc.offset, n);
    }

    @Override
    public void axpy(float alpha, Buffer x, Buffer y) {
        CpuBuffer cx = cpu(x, "axpy"), cy = cpu(y, "axpy");
        BackendChecks.sameLength("axpy", cx, cy);
        float[] xd = cx.data, yd = cy.data;
        int xo = cx.offset, yo = cy.offset, n = cx.length;
        Workers.forRange(n, n, (from, to) -> {
            for (int i = from; i < to; i++) yd[yo + i] += alpha * xd[xo + i];
        });
    }

    @Override
    public double dot(Buffer a, Buffer b) {
        CpuBuffer ca = cpu(a, "dot"), cb = cpu(b, "dot");
        BackendChecks.sameLength("dot", ca, cb);
        return Float64Dot.dot(ca.data, ca.offset, cb.data, cb.offset, ca.length);
    }

    // ---- element-wise -------------------------------------------------------------------------

    @Override
    public void add(Buffer a, Buffer b, Buffer out) {
        CpuBuffer ca = cpu(a, "add"), cb = cpu(b, "add"), co = cpu(out, "add");
        BackendChecks.sameLength("add", ca, co);
        BackendChecks.sameLength("add", cb, co);
        float[] ad = ca.data, bd = cb.data, od = co.data;
        int ao = ca.offset, bo = cb.offset, oo = co.offset, n = co.length;
        Workers.forRange(n, n, (from, to) -> {
            for (int i = from; i < to; i++) od[oo + i] = ad[ao + i] + bd[bo + i];
        });
    }

    @Override
    public void sub(Buffer a, Buffer b, Buffer out) {
        CpuBuffer ca = cpu(a, "sub"), cb = cpu(b, "sub"), co = cpu(out, "sub");
        BackendChecks.sameLength("sub", ca, co);
        BackendChecks.sameLength("sub", cb, co);
        float[] ad = ca.data, bd = cb.data, od = co.data;
        int ao = ca.offset, bo = cb.offset, oo = co.offset, n = co.length;
        Workers.forRange(n, n, (from, to) -> {
            for (int i = from; i < to; i++) od[oo + i] = ad[ao + i] - bd[bo + i];
        });
    }

    @Override
    public void mul(Buffer a, Buffer b, Buffer out) {
        CpuBuffer ca = cpu(a, "mul"), cb = cpu(b, "mul"), co = cpu(out, "mul");
        BackendChecks.sameLength("mul", ca, co);
        BackendChecks.sameLength("mul", cb, co);
        float[] ad = ca.data, bd = cb.data, od = co.data;
        int ao = ca.offset, bo = cb.offset, oo = co.offset, n = co.length;
        Workers.forRange(n, n, (from, to) -> {
            for (int i = from; i < to; i++) od[oo + i] = ad[ao + i] * bd[bo + i];
        });
    }

    @Override
    public void scale(Buffer x, float alpha, Buffer out) {
        CpuBuffer cx = cpu(x, "scale"), co = cpu(out, "scale");
        BackendChecks.sameLength("scale", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        Workers.forRange(n, n, (from, to) -> {
            for (int i = from; i < to; i++) od[oo + i] = alpha * xd[xo + i];
        });
    }

    @Override
    public void relu(Buffer x, Buffer out) {
        CpuBuffer cx = cpu(x, "relu"), co = cpu(out, "relu");
        BackendChecks.sameLength("relu", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        Workers.forRange(n, n, (from, to) -> VectorLoops.relu(xd, xo + from, od, oo + from, to - from));
    }

    @Override
    public void positiveMask(Buffer x, Buffer out) {
        CpuBuffer cx = cpu(x, "positiveMask"), co = cpu(out, "positiveMask");
        BackendChecks.sameLength("positiveMask", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        Workers.forRange(n, n, (from, to) -> VectorLoops.positiveMask(xd, xo + from, od, oo + from, to - from));
    }

    @Override
    public void exp(Buffer x, Buffer out) {
        CpuBuffer cx = cpu(x, "exp"), co = cpu(out, "exp");
        BackendChecks.sameLength("exp", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        // exp costs some twenty simple operations an element: worth two threads at a twentieth of the length.
        Workers.forRange(n, 20L * n, (from, to) -> {
            for (int i = from; i < to; i++) od[oo + i] = (float) Math.exp(xd[xo + i]);
        });
    }

    // ---- broadcast and reduction --------------------------------------------------------------

    @Override
    public void broadcast(BroadcastOp op, Buffer x, Buffer b, int outer, int mid, int inner, Buffer out) {
        CpuBuffer cx = cpu(x, "broadcast"), cb = cpu(b, "broadcast"), co = cpu(out, "broadcast");
        BackendChecks.outerMidInner("broadcast", cx, cb, outer, mid, inner);
        BackendChecks.sameLength("broadcast", cx, co);
        float[] xd = cx.data, bd = cb.data, od = co.data;
        int xo = cx.offset, bo = cb.offset, oo = co.offset;
        boolean add = op == BroadcastOp.ADD;
        if (inner == 1) {
            // A dense layer's bias, [batch, features, 1]: b runs along each row, so the loop over
            // m is the long, contiguous one.
            Workers.forRange(outer, (long) outer * mid, (from, to) -> {
                for (int o = from; o < to; o++) {
                    int row = o * mid;
                    if (add) for (int m = 0; m < mid; m++) od[oo + row + m] = xd[xo + row + m] + bd[bo + m];
                    else for (int m = 0; m < mid; m++) od[oo + row + m] = xd[xo + row + m] * bd[bo + m];
                }
            });
            return;
        }
        // An image's per-channel term, [N, C, H·W]: one constant over each run of `inner` floats.
        Workers.forRange(outer * mid, (long) outer * mid * inner, (from, to) -> {
            for (int om = from; om < to; om++) {
                float bm = bd[bo + om % mid];
                int base = om * inner;
                if (add) for (int i = 0; i < inner; i++) od[oo + base + i] = xd[xo + base + i] + bm;
                else for (int i = 0; i < inner; i++) od[oo + base + i] = xd[xo + base + i] * bm;
            }
        });
    }

    @Override
    public void expand(Buffer b, int outer, int mid, int inner, Buffer out) {
        CpuBuffer cb = cpu(b, "expand"), co = cpu(out, "expand");
        BackendChecks.outerMidInner("expand", co, cb, outer, mid, inner);
        float[] bd = cb.data, od = co.data;
        int bo = cb.offset, oo = co.offset;
        Workers.forRange(outer * mid, (long) outer * mid * inner, (from, to) -> {
            for (int om = from; om < to; om++) {
                int oi = oo + om * inner;
                java.util.Arrays.fill(od, oi, oi + inner, bd[bo + om % mid]);
            }
        });
    }

    @Override
    public void sumToMid(Buffer x, int outer, int mid, int inner, Buffer out) {
        CpuBuffer cx = cpu(x, "sumToMid"), co = cpu(out, "sumToMid");
        BackendChecks.outerMidInner("sumToMid", cx, co, outer, mid, inner);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset;
        long work = (long) outer * mid * inner;
        // Threads split the outputs m, never one sum: each sum adds its terms in the same order
        // on any number of threads, so the result does not depend on the split.
        if (inner == 1 && outer <= 16) {
            // Few long rows (average pooling's [k², N·C·P]): one float64 sum per output over
            // `outer` sequential streams, with no accumulator array to allocate.
            Workers.forRange(mid, work, (from, to) -> {
                for (int m = from; m < to; m++) {
                    double s = 0;
                    for (int o = 0; o < outer; o++) s += xd[xo + o * mid + m];
                    od[oo + m] = (float) s;
                }
            });
            return;
        }
        if (inner == 1) {
            // The dense-bias case [batch, features]: walk rows in memory order, one float64
            // accumulator per feature of the slab.
            Workers.forRange(mid, work, (from, to) -> {
                double[] acc = new double[to - from];
                for (int o = 0; o < outer; o++) {
                    int xi = xo + o * mid;
                    for (int m = from; m < to; m++) acc[m - from] += xd[xi + m];
                }
                for (int m = from; m < to; m++) od[oo + m] = (float) acc[m - from];
            });
            return;
        }
        Workers.forRange(mid, work, (from, to) -> {
            for (int m = from; m < to; m++) {
                double s = 0;
                for (int o = 0; o < outer; o++) s += runSum(xd, xo + (o * mid + m) * inner, inner);
                od[oo + m] = (float) s;
            }
        });
    }

    /**
     * Σ x[from … from+n) in float64 over four interleaved partial sums: one sum is a chain of
     * dependent additions, each waiting out the adder's latency (measured: BatchNorm's sums over
     * N·H·W took a tenth of a CNN's HVP); four chains keep the adder busy.
     */
    private static double runSum(float[] x, int from, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from, whole = from + (n & ~3), end = from + n;
        for (; i < whole; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < end; i++) s0 += x[i];
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void logSoftmax(Buffer x, int rows, int cols, Buffer out) {
        CpuBuffer cx = cpu(x, "logSoftmax"), co = cpu(out, "logSoftmax");
        BackendChecks.matrices("logSoftmax", rows, cols, cx, co);
        float[] xd = cx.data, od = co.data;
        for (int r = 0; r < rows; r++) {
            int xi = cx.offset + r * cols, oi = co.offset + r * cols;
            // Subtracting the row maximum keeps exp() in range: log Σ exp(x) = max + log Σ exp(x − max).
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, xd[xi + c]);
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += Math.exp(xd[xi + c] - max);
            float logZ = (float) (max + Math.log(sum));
            for (int c = 0; c < cols; c++) od[oi + c] = xd[xi + c] - logZ;
        }
    }

    @Override
    public void argmaxHits(Buffer logits, Buffer targets, int rows, int cols, Buffer hits) {
        CpuBuffer cz = cpu(logits, "argmaxHits"), ct = cpu(targets, "argmaxHits"), ch = cpu(hits, "argmaxHits");
        BackendChecks.argmaxHits(cz, ct, ch, rows, cols);
        float[] z = cz.data, t = ct.data, h = ch.data;
        for (int r = 0; r < rows; r++) {
            int row = cz.offset + r * cols, best = 0;
            for (int c = 1; c < cols; c++) if (z[row + c] > z[row + best]) best = c;
            h[ch.offset + r] = t[ct.offset + r * cols + best] != 0f ? 1f : 0f;
        }
    }

    @Override
    public void rsqrt(Buffer x, Buffer out) {
        CpuBuffer cx = cpu(x, "rsqrt"), co = cpu(out, "rsqrt");
        BackendChecks.sameLength("rsqrt", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        Workers.forRange(n, 4L * n, (from, to) -> {
            for (int i = from; i < to; i++) od[oo + i] = (float) (1.0 / Math.sqrt(xd[xo + i]));
        });
    }

    @Override
    public void transpose(Buffer x, int outer, int rows, int cols, int inner, Buffer out) {
        CpuBuffer cx = cpu(x, "transpose"), co = cpu(out, "transpose");
        BackendChecks.transpose(cx, co, outer, rows, cols, inner, cx.data == co.data && cx.offset == co.offset);
        Transposition.transpose(cx.data, cx.offset, outer, rows, cols, inner, co.data, co.offset);
    }

    @Override
    public void dropoutMask(long seed, float p, Buffer out) {
        CpuBuffer co = cpu(out, "dropoutMask");
        BackendChecks.dropoutProbability(p);
        DropoutHash.fill(seed, p, co.data, co.offset, co.length);
    }

    // ---- sliding windows ----------------------------------------------------------------------

    @Override
    public void im2col(Buffer x, Window2d w, Buffer cols) {
        CpuBuffer cx = cpu(x, "im2col"), cc = cpu(cols, "im2col");
        BackendChecks.patches("im2col", cx, cc, w);
        WindowKernels.im2col(cx.data, cx.offset, w, cc.data, cc.offset);
    }

    @Override
    public void col2im(Buffer cols, Window2d w, Buffer x) {
        CpuBuffer cc = cpu(cols, "col2im"), cx = cpu(x, "col2im");
        BackendChecks.patches("col2im", cx, cc, w);
        WindowKernels.col2im(cc.data, cc.offset, w, cx.data, cx.offset);
    }

    @Override
    public void maxPool2d(Buffer x, Window2d w, Buffer y, Buffer argmax) {
        CpuBuffer cx = cpu(x, "maxPool2d"), cy = cpu(y, "maxPool2d"), ca = cpu(argmax, "maxPool2d");
        BackendChecks.maxPool2d(cx, cy, ca, w);
        WindowKernels.maxPool2d(cx.data, cx.offset, w, cy.data, cy.offset, ca.data, ca.offset);
    }

    @Override
    public void gather(Buffer x, Buffer index, int planes, int planeIn, int planeOut, Buffer y) {
        CpuBuffer cx = cpu(x, "gather"), ci = cpu(index, "gather"), cy = cpu(y, "gather");
        BackendChecks.planes("gather", cx, ci, cy, planes, planeIn, planeOut);
        WindowKernels.gather(cx.data, cx.offset, ci.data, ci.offset, planes, planeIn, planeOut, cy.data, cy.offset);
    }

    @Override
    public void scatterAdd(Buffer y, Buffer index, int planes, int planeIn, int planeOut, Buffer x) {
        CpuBuffer cy = cpu(y, "scatterAdd"), ci = cpu(index, "scatterAdd"), cx = cpu(x, "scatterAdd");
        BackendChecks.planes("scatterAdd", cx, ci, cy, planes, planeIn, planeOut);
        WindowKernels.scatterAdd(cy.data, cy.offset, ci.data, ci.offset, planes, planeIn, planeOut, cx.data, cx.offset);
    }

    // ---- checks -------------------------------------------------------------------------------

    private CpuBuffer cpu(Buffer b, String op) {
        if (b instanceof CpuBuffer && ((CpuBuffer) b).backend == this) return (CpuBuffer) b;
        throw new IllegalArgumentException(op + ": buffer " + b + " does not live on the cpu backend");
    }




}
