package basin.kernels.cpu;

import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.BroadcastOp;
import basin.kernels.Buffer;
import basin.kernels.cpu.gemm.Sgemm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The pure-Java backend. GEMM is the cache-blocked, packed, register-tiled {@link Sgemm} on all
 * cores; the element-wise loops are plain counted loops over arrays, which HotSpot's C2 compiler
 * turns into SIMD code. Buffers come from a pool keyed by length, so that a loop of HVPs inside an
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
        if (!b.pooled) return;
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
        sameLength("copy", s, d);
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
        if (ca.length != m * k || cb.length != k * n || cc.length != m * n) {
            throw new IllegalArgumentException(String.format(
                    "gemm: buffers of length A=%d, B=%d, C=%d do not hold [%d, %d]·[%d, %d] → [%d, %d]",
                    ca.length, cb.length, cc.length, m, k, k, n, m, n));
        }
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        Sgemm.sgemm(transA, transB, m, n, k, alpha, ca.data, ca.offset, lda,
                cb.data, cb.offset, ldb, beta, cc.data, cc.offset, n);
    }

    @Override
    public void axpy(float alpha, Buffer x, Buffer y) {
        CpuBuffer cx = cpu(x, "axpy"), cy = cpu(y, "axpy");
        sameLength("axpy", cx, cy);
        float[] xd = cx.data, yd = cy.data;
        int xo = cx.offset, yo = cy.offset, n = cx.length;
        for (int i = 0; i < n; i++) yd[yo + i] += alpha * xd[xo + i];
    }

    @Override
    public double dot(Buffer a, Buffer b) {
        CpuBuffer ca = cpu(a, "dot"), cb = cpu(b, "dot");
        sameLength("dot", ca, cb);
        float[] ad = ca.data, bd = cb.data;
        int ao = ca.offset, bo = cb.offset, n = ca.length;
        // Four float64 partial sums: exact enough for parameter-sized vectors, and they break the
        // loop-carried dependence so the loop runs at the speed of its loads.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += (double) ad[ao + i] * bd[bo + i];
            s1 += (double) ad[ao + i + 1] * bd[bo + i + 1];
            s2 += (double) ad[ao + i + 2] * bd[bo + i + 2];
            s3 += (double) ad[ao + i + 3] * bd[bo + i + 3];
        }
        for (; i < n; i++) s0 += (double) ad[ao + i] * bd[bo + i];
        return (s0 + s1) + (s2 + s3);
    }

    // ---- element-wise -------------------------------------------------------------------------

    @Override
    public void add(Buffer a, Buffer b, Buffer out) {
        CpuBuffer ca = cpu(a, "add"), cb = cpu(b, "add"), co = cpu(out, "add");
        sameLength("add", ca, co);
        sameLength("add", cb, co);
        float[] ad = ca.data, bd = cb.data, od = co.data;
        int ao = ca.offset, bo = cb.offset, oo = co.offset, n = co.length;
        for (int i = 0; i < n; i++) od[oo + i] = ad[ao + i] + bd[bo + i];
    }

    @Override
    public void sub(Buffer a, Buffer b, Buffer out) {
        CpuBuffer ca = cpu(a, "sub"), cb = cpu(b, "sub"), co = cpu(out, "sub");
        sameLength("sub", ca, co);
        sameLength("sub", cb, co);
        float[] ad = ca.data, bd = cb.data, od = co.data;
        int ao = ca.offset, bo = cb.offset, oo = co.offset, n = co.length;
        for (int i = 0; i < n; i++) od[oo + i] = ad[ao + i] - bd[bo + i];
    }

    @Override
    public void mul(Buffer a, Buffer b, Buffer out) {
        CpuBuffer ca = cpu(a, "mul"), cb = cpu(b, "mul"), co = cpu(out, "mul");
        sameLength("mul", ca, co);
        sameLength("mul", cb, co);
        float[] ad = ca.data, bd = cb.data, od = co.data;
        int ao = ca.offset, bo = cb.offset, oo = co.offset, n = co.length;
        for (int i = 0; i < n; i++) od[oo + i] = ad[ao + i] * bd[bo + i];
    }

    @Override
    public void scale(Buffer x, float alpha, Buffer out) {
        CpuBuffer cx = cpu(x, "scale"), co = cpu(out, "scale");
        sameLength("scale", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        for (int i = 0; i < n; i++) od[oo + i] = alpha * xd[xo + i];
    }

    @Override
    public void relu(Buffer x, Buffer out) {
        CpuBuffer cx = cpu(x, "relu"), co = cpu(out, "relu");
        sameLength("relu", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        for (int i = 0; i < n; i++) od[oo + i] = Math.max(xd[xo + i], 0f);
    }

    @Override
    public void positiveMask(Buffer x, Buffer out) {
        CpuBuffer cx = cpu(x, "positiveMask"), co = cpu(out, "positiveMask");
        sameLength("positiveMask", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        for (int i = 0; i < n; i++) od[oo + i] = xd[xo + i] > 0f ? 1f : 0f;
    }

    @Override
    public void exp(Buffer x, Buffer out) {
        CpuBuffer cx = cpu(x, "exp"), co = cpu(out, "exp");
        sameLength("exp", cx, co);
        float[] xd = cx.data, od = co.data;
        int xo = cx.offset, oo = co.offset, n = co.length;
        for (int i = 0; i < n; i++) od[oo + i] = (float) Math.exp(xd[xo + i]);
    }

    // ---- broadcast and reduction --------------------------------------------------------------

    @Override
    public void broadcast(BroadcastOp op, Buffer x, Buffer b, int outer, int mid, int inner, Buffer out) {
        CpuBuffer cx = cpu(x, "broadcast"), cb = cpu(b, "broadcast"), co = cpu(out, "broadcast");
        checkOuterMidInner("broadcast", cx, cb, outer, mid, inner);
        sameLength("broadcast", cx, co);
        float[] xd = cx.data, bd = cb.data, od = co.data;
        for (int o = 0; o < outer; o++) {
            for (int m = 0; m < mid; m++) {
                float bm = bd[cb.offset + m];
                int base = (o * mid + m) * inner;
                int xi = cx.offset + base, oi = co.offset + base;
                if (op == BroadcastOp.ADD) {
                    for (int i = 0; i < inner; i++) od[oi + i] = xd[xi + i] + bm;
                } else {
                    for (int i = 0; i < inner; i++) od[oi + i] = xd[xi + i] * bm;
                }
            }
        }
    }

    @Override
    public void expand(Buffer b, int outer, int mid, int inner, Buffer out) {
        CpuBuffer cb = cpu(b, "expand"), co = cpu(out, "expand");
        checkOuterMidInner("expand", co, cb, outer, mid, inner);
        float[] bd = cb.data, od = co.data;
        for (int o = 0; o < outer; o++) {
            for (int m = 0; m < mid; m++) {
                int oi = co.offset + (o * mid + m) * inner;
                java.util.Arrays.fill(od, oi, oi + inner, bd[cb.offset + m]);
            }
        }
    }

    @Override
    public void sumToMid(Buffer x, int outer, int mid, int inner, Buffer out) {
        CpuBuffer cx = cpu(x, "sumToMid"), co = cpu(out, "sumToMid");
        checkOuterMidInner("sumToMid", cx, co, outer, mid, inner);
        float[] xd = cx.data, od = co.data;
        if (inner == 1) {
            // The dense-bias case [batch, features]: walk rows in memory order, one float64
            // accumulator per feature.
            double[] acc = new double[mid];
            for (int o = 0; o < outer; o++) {
                int xi = cx.offset + o * mid;
                for (int m = 0; m < mid; m++) acc[m] += xd[xi + m];
            }
            for (int m = 0; m < mid; m++) od[co.offset + m] = (float) acc[m];
            return;
        }
        for (int m = 0; m < mid; m++) {
            double s = 0;
            for (int o = 0; o < outer; o++) {
                int xi = cx.offset + (o * mid + m) * inner;
                for (int i = 0; i < inner; i++) s += xd[xi + i];
            }
            od[co.offset + m] = (float) s;
        }
    }

    @Override
    public void logSoftmax(Buffer x, int rows, int cols, Buffer out) {
        CpuBuffer cx = cpu(x, "logSoftmax"), co = cpu(out, "logSoftmax");
        if (cx.length != rows * cols || co.length != rows * cols) {
            throw new IllegalArgumentException("logSoftmax: buffers of length " + cx.length + " and "
                    + co.length + " do not hold [" + rows + ", " + cols + "]");
        }
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

    // ---- checks -------------------------------------------------------------------------------

    private CpuBuffer cpu(Buffer b, String op) {
        if (b instanceof CpuBuffer && ((CpuBuffer) b).backend == this) return (CpuBuffer) b;
        throw new IllegalArgumentException(op + ": buffer " + b + " does not live on the cpu backend");
    }

    private static void sameLength(String op, CpuBuffer a, CpuBuffer b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(op + ": operand lengths differ: " + a.length + " and " + b.length);
        }
    }

    private static void checkOuterMidInner(String op, CpuBuffer full, CpuBuffer small, int outer, int mid, int inner) {
        if (full.length != outer * mid * inner || small.length != mid) {
            throw new IllegalArgumentException(String.format(
                    "%s: buffers of length %d and %d do not match [outer=%d, mid=%d, inner=%d] and [mid=%d]",
                    op, full.length, small.length, outer, mid, inner, mid));
        }
    }
}
