package basin.kernels.cuda;

import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.BackendChecks;
import basin.kernels.BroadcastOp;
import basin.kernels.Buffer;
import basin.kernels.Window2d;
import jcuda.Pointer;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The NVIDIA GPU backend: GEMM through cuBLAS (JCublas2), every other kernel from the CUDA C in
 * {@code kernels/src/main/cuda}, loaded as PTX through the driver API. One primary context and one
 * stream serve both, so a kernel and a GEMM queued one after the other run in that order, and
 * nothing but a transfer or a scalar result ({@link #dot}) waits for the device.
 *
 * <p>Row-major GEMM on column-major cuBLAS: a row-major [r, c] matrix is, read column-major, its
 * transpose [c, r]. So C = op(A)·op(B) is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ: cuBLAS is called with
 * the operands swapped and m and n exchanged, each matrix's leading dimension being its stored row
 * length. No data moves.
 *
 * <p>TF32 tensor cores are off by default ({@code -Dbasin.cuda.tf32=true} or {@link #setTf32}
 * turns them on): TF32 rounds GEMM inputs to 10 mantissa bits, a relative error near 10⁻³, while
 * the curvature probes compare eigenvalues and HVPs at float32 accuracy (10⁻⁶ to 10⁻⁴). See
 * {@code docs/cuda.md}.
 *
 * <p>{@link #get()} opens the backend once per process; when CUDA cannot be used it throws
 * {@link CudaUnavailableException} with the reason, every time, without trying again.
 */
public final class CudaBackend implements Backend {

    private static CudaBackend instance;
    private static CudaUnavailableException unavailable;

    private final CudaContext device;
    private final CUstream stream;
    private final cublasHandle cublas;
    private final CudaKernels kernels;
    private final DeviceAllocator allocator = new DeviceAllocator(DeviceMemory.driver());
    private final PinnedStaging staging = new PinnedStaging();
    /** Scratch of {@link #dot} for the backend's whole life: these fields keep the blocks from the collector. */
    private final DeviceBlock dotPartials, dotResult;
    private final Pointer dotResultHost;
    private final DoubleBuffer dotResultView;
    private boolean tf32;
    /** {@code -Dbasin.cuda.syncLaunches}: wait after each kernel and GEMM, so that a fault names it ({@link WaitingLauncher}). */
    private final boolean waitAfterEachLaunch;
    private final AtomicLong bytesToDevice = new AtomicLong();
    private final AtomicLong bytesToHost = new AtomicLong();

    /**
     * The process's CUDA backend on device {@code basin.cuda.device} (default 0), opened on first use.
     *
     * @throws CudaUnavailableException when there is no driver, no device, no cuBLAS, or JCuda's
     *                                  native libraries do not load; the message says which
     */
    public static synchronized CudaBackend get() {
        if (instance != null) return instance;
        if (unavailable != null) throw unavailable;
        try {
            instance = new CudaBackend(CudaContext.open(Integer.getInteger("basin.cuda.device", 0)));
            return instance;
        } catch (CudaUnavailableException e) {
            unavailable = e;
        } catch (CudaException | java.io.UncheckedIOException e) {
            unavailable = new CudaUnavailableException(e.getMessage(), e);
        } catch (RuntimeException e) {
            // Anything else while opening the device is still a reason to fall back, never a crash of --device auto.
            unavailable = new CudaUnavailableException("opening the device failed: " + e, e);
        } catch (LinkageError e) {
            // JCuda's classes or native libraries did not load: a missing libcuda.so.1 shows here.
            unavailable = new CudaUnavailableException(CudaContext.nativeLoadReason(e), e);
        }
        throw unavailable;
    }

    private CudaBackend(CudaContext device) {
        this.device = device;
        stream = device.stream;
        cublas = device.cublas;
        setTf32(Boolean.getBoolean("basin.cuda.tf32"));
        KernelLauncher launcher = new DriverLauncher(PtxModules.load(), stream);
        waitAfterEachLaunch = Boolean.getBoolean("basin.cuda.syncLaunches");
        if (waitAfterEachLaunch) launcher = new WaitingLauncher(launcher, () -> JCudaDriver.cuStreamSynchronize(stream));
        kernels = new CudaKernels(launcher);
        dotPartials = allocator.allocate(8L * CudaKernels.DOT_BLOCKS, "dot partial sums");
        dotResult = allocator.allocate(8, "dot result");
        dotResultHost = new Pointer();
        CudaCheck.driver(JCudaDriver.cuMemAllocHost(dotResultHost, 8), "cuMemAllocHost(8 bytes for dot results)");
        dotResultView = dotResultHost.getByteBuffer(0, 8).order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    /** The device, its compute capability and memory, the driver and where cuBLAS came from. */
    public String description() {
        return device.description;
    }

    @Override
    public String name() {
        return "cuda:" + device.ordinal;
    }

    /** Turns TF32 tensor-core GEMMs on or off (off by default: see the class comment). */
    public void setTf32(boolean on) {
        makeCurrent();
        int mode = on ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath.CUBLAS_DEFAULT_MATH;
        CudaCheck.cublas(JCublas2.cublasSetMathMode(cublas, mode), "cublasSetMathMode(" + cublasMath.stringFor(mode) + ")");
        tf32 = on;
    }

    public boolean tf32() {
        return tf32;
    }

    /** Waits until all queued work is done (for timing and before reading results by other means). */
    public void synchronize() {
        makeCurrent();
        CudaCheck.driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** The kernels beyond the Backend methods (the BatchNorm statistics and backward), with {@link #pointer} for their arguments. */
    public CudaKernels kernels() {
        makeCurrent();
        return kernels;
    }

    /** The device address of a buffer's first element, to pass to {@link #kernels()}. */
    public Pointer pointer(Buffer b) {
        return cuda(b, "pointer").pointer;
    }

    /** The stream every kernel, copy and GEMM of this backend runs on (for CUDA events in timing code). */
    public CUstream stream() {
        return stream;
    }

    DeviceAllocator allocator() {
        return allocator;
    }

    /**
     * Bytes of device memory held in buffers now (released ones excluded, and unreachable ones once
     * the collector has found them), and cached in the pool.
     */
    public long bytesInUse() {
        return allocator.inUseBytes();
    }

    public long bytesCached() {
        return allocator.cachedBytes();
    }

    /**
     * Bytes copied host → device and device → host so far, scalar results of {@link #dot} included:
     * what shows that a training step or an HVP keeps its tensors on the device.
     */
    public long bytesCopiedToDevice() {
        return bytesToDevice.get();
    }

    public long bytesCopiedToHost() {
        return bytesToHost.get();
    }

    /** Frees the pool's cached blocks (buffers in use are untouched). */
    public void clearPool() {
        makeCurrent();
        allocator.releaseCached();
    }

    private void makeCurrent() {
        device.makeCurrent();
    }

    // ---- storage and transfers --------------------------------------------------------------

    @Override
    public Buffer allocate(int n) {
        if (n < 0) throw new IllegalArgumentException("allocate: negative length " + n);
        makeCurrent();
        long bytes = Math.max(4L, 4L * n);
        CudaBuffer b = new CudaBuffer(this, allocator.allocate(bytes, "a buffer of " + n + " floats"), 0, n, true);
        Arena.adopt(b);
        return b;
    }

    /**
     * Returns a buffer's device memory to the pool now, rather than when the collector finds the
     * buffer unreachable. A second release of the same buffer does nothing; releasing a view does
     * nothing (its block belongs to the buffer it was sliced from).
     */
    @Override
    public void release(Buffer buffer) {
        CudaBuffer b = cuda(buffer, "release");
        if (b.pooled) b.block.release();
    }

    @Override
    public void copyIn(float[] src, int srcOffset, Buffer dst) {
        CudaBuffer d = cuda(dst, "copyIn");
        if (srcOffset < 0 || srcOffset + d.length > src.length) {
            throw new IndexOutOfBoundsException("copyIn: " + d.length + " floats from offset " + srcOffset + " of an array of " + src.length);
        }
        makeCurrent();
        bytesToDevice.addAndGet(d.bytes());
        staging.toDevice(src, srcOffset, d.pointer, d.length, stream);
    }

    @Override
    public void copyOut(Buffer src, float[] dst, int dstOffset) {
        CudaBuffer s = cuda(src, "copyOut");
        if (dstOffset < 0 || dstOffset + s.length > dst.length) {
            throw new IndexOutOfBoundsException("copyOut: " + s.length + " floats to offset " + dstOffset + " of an array of " + dst.length);
        }
        makeCurrent();
        bytesToHost.addAndGet(s.bytes());
        staging.toHost(s.pointer, dst, dstOffset, s.length, stream);
    }

    @Override
    public void copy(Buffer src, Buffer dst) {
        CudaBuffer s = cuda(src, "copy"), d = cuda(dst, "copy");
        BackendChecks.sameLength("copy", s, d);
        makeCurrent();
        if (s.length > 0) {
            CudaCheck.driver(JCudaDriver.cuMemcpyDtoDAsync(d.pointer, s.pointer, s.bytes(), stream), "cuMemcpyDtoDAsync(" + s.length + " floats)");
        }
    }

    @Override
    public void fill(Buffer dst, float value) {
        CudaBuffer d = cuda(dst, "fill");
        makeCurrent();
        // A 32-bit memset writes the float's bit pattern: exact for every value, NaN and -0 included.
        if (d.length > 0) {
            CudaCheck.driver(JCudaDriver.cuMemsetD32Async(d.pointer, Float.floatToRawIntBits(value), d.length, stream),
                    "cuMemsetD32Async(" + d.length + " floats = " + value + ")");
        }
    }

    // ---- BLAS ---------------------------------------------------------------------------------

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, Buffer a, Buffer b, float beta, Buffer c) {
        CudaBuffer ca = cuda(a, "gemm"), cb = cuda(b, "gemm"), cc = cuda(c, "gemm");
        BackendChecks.gemm(ca, cb, cc, m, n, k);
        if (m == 0 || n == 0) return;
        makeCurrent();
        if (k == 0) {
            // C = β·C; cuBLAS would reject the zero leading dimensions of empty A and B.
            if (beta == 0f) fill(cc, 0f);
            else kernels.scale(cc.pointer, beta, cc.pointer, cc.length);
            return;
        }
        int lda = transA ? m : k, ldb = transB ? k : n;
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        // Cᵀ[n, m] = op(B)ᵀ · op(A)ᵀ in column-major: B first, n and m exchanged.
        int status = JCublas2.cublasSgemm(cublas, opB, opA, n, m, k, Pointer.to(new float[] {alpha}),
                cb.pointer, ldb, ca.pointer, lda, Pointer.to(new float[] {beta}), cc.pointer, n);
        CudaCheck.cublas(status, String.format("cublasSgemm(row-major %s[%d, %d]·%s[%d, %d])",
                transA ? "Aᵀ" : "A", m, k, transB ? "Bᵀ" : "B", k, n));
        if (waitAfterEachLaunch) {
            CudaCheck.driver(JCudaDriver.cuStreamSynchronize(stream), String.format("cublasSgemm(row-major %s[%d, %d]·%s[%d, %d]), "
                    + "waited for after its launch", transA ? "Aᵀ" : "A", m, k, transB ? "Bᵀ" : "B", k, n));
        }
    }

    @Override
    public void axpy(float alpha, Buffer x, Buffer y) {
        CudaBuffer cx = cuda(x, "axpy"), cy = cuda(y, "axpy");
        BackendChecks.sameLength("axpy", cx, cy);
        makeCurrent();
        kernels.axpy(alpha, cx.pointer, cy.pointer, cx.length);
    }

    @Override
    public synchronized double dot(Buffer a, Buffer b) {
        CudaBuffer ca = cuda(a, "dot"), cb = cuda(b, "dot");
        BackendChecks.sameLength("dot", ca, cb);
        makeCurrent();
        kernels.dot(ca.pointer, cb.pointer, ca.length, dotPartials.address, dotResult.address);
        return readDotResult("dot");
    }

    /** ‖x‖² = Σ xᵢ², accumulated in float64 on the device; only the scalar comes back. */
    public synchronized double sumOfSquares(Buffer x) {
        CudaBuffer cx = cuda(x, "sumOfSquares");
        makeCurrent();
        kernels.sumSquares(cx.pointer, cx.length, dotPartials.address, dotResult.address);
        return readDotResult("sumOfSquares");
    }

    private double readDotResult(String op) {
        bytesToHost.addAndGet(8);
        CudaCheck.driver(JCudaDriver.cuMemcpyDtoHAsync(dotResultHost, dotResult.address, 8, stream), "cuMemcpyDtoHAsync(" + op + " result)");
        CudaCheck.driver(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize(" + op + ")");
        return dotResultView.get(0);
    }

    // ---- element-wise -------------------------------------------------------------------------

    @Override
    public void add(Buffer a, Buffer b, Buffer out) {
        CudaBuffer[] o = binary("add", a, b, out);
        kernels.add(o[0].pointer, o[1].pointer, o[2].pointer, o[2].length);
    }

    @Override
    public void sub(Buffer a, Buffer b, Buffer out) {
        CudaBuffer[] o = binary("sub", a, b, out);
        kernels.sub(o[0].pointer, o[1].pointer, o[2].pointer, o[2].length);
    }

    @Override
    public void mul(Buffer a, Buffer b, Buffer out) {
        CudaBuffer[] o = binary("mul", a, b, out);
        kernels.mul(o[0].pointer, o[1].pointer, o[2].pointer, o[2].length);
    }

    @Override
    public void scale(Buffer x, float alpha, Buffer out) {
        CudaBuffer[] o = unary("scale", x, out);
        kernels.scale(o[0].pointer, alpha, o[1].pointer, o[1].length);
    }

    @Override
    public void relu(Buffer x, Buffer out) {
        CudaBuffer[] o = unary("relu", x, out);
        kernels.relu(o[0].pointer, o[1].pointer, o[1].length);
    }

    @Override
    public void positiveMask(Buffer x, Buffer out) {
        CudaBuffer[] o = unary("positiveMask", x, out);
        kernels.positiveMask(o[0].pointer, o[1].pointer, o[1].length);
    }

    @Override
    public void exp(Buffer x, Buffer out) {
        CudaBuffer[] o = unary("exp", x, out);
        kernels.exp(o[0].pointer, o[1].pointer, o[1].length);
    }

    // ---- broadcast and reduction --------------------------------------------------------------

    @Override
    public void broadcast(BroadcastOp op, Buffer x, Buffer b, int outer, int mid, int inner, Buffer out) {
        CudaBuffer cx = cuda(x, "broadcast"), cb = cuda(b, "broadcast"), co = cuda(out, "broadcast");
        BackendChecks.outerMidInner("broadcast", cx, cb, outer, mid, inner);
        BackendChecks.sameLength("broadcast", cx, co);
        makeCurrent();
        if (op == BroadcastOp.ADD) kernels.broadcastAdd(cx.pointer, cb.pointer, co.pointer, outer, mid, inner);
        else kernels.broadcastMul(cx.pointer, cb.pointer, co.pointer, outer, mid, inner);
    }

    @Override
    public void expand(Buffer b, int outer, int mid, int inner, Buffer out) {
        CudaBuffer cb = cuda(b, "expand"), co = cuda(out, "expand");
        BackendChecks.outerMidInner("expand", co, cb, outer, mid, inner);
        makeCurrent();
        kernels.expand(cb.pointer, co.pointer, outer, mid, inner);
    }

    @Override
    public void sumToMid(Buffer x, int outer, int mid, int inner, Buffer out) {
        CudaBuffer cx = cuda(x, "sumToMid"), co = cuda(out, "sumToMid");
        BackendChecks.outerMidInner("sumToMid", cx, co, outer, mid, inner);
        makeCurrent();
        long scratch = CudaKernels.sumToMidScratchBytes(outer, mid, inner);
        DeviceBlock partial = scratch == 0 ? null : allocator.allocate(scratch, "sumToMid partial sums");
        kernels.sumToMid(cx.pointer, co.pointer, outer, mid, inner, partial == null ? null : partial.at(0));
        // Back to the pool at once: the stream runs whatever is queued with the block next after these kernels.
        if (partial != null) partial.release();
    }

    @Override
    public void logSoftmax(Buffer x, int rows, int cols, Buffer out) {
        CudaBuffer cx = cuda(x, "logSoftmax"), co = cuda(out, "logSoftmax");
        BackendChecks.matrices("logSoftmax", rows, cols, cx, co);
        makeCurrent();
        kernels.logSoftmax(cx.pointer, co.pointer, rows, cols);
    }

    @Override
    public void argmaxHits(Buffer logits, Buffer targets, int rows, int cols, Buffer hits) {
        CudaBuffer cz = cuda(logits, "argmaxHits"), ct = cuda(targets, "argmaxHits"), ch = cuda(hits, "argmaxHits");
        BackendChecks.argmaxHits(cz, ct, ch, rows, cols);
        makeCurrent();
        kernels.argmaxHits(cz.pointer, ct.pointer, ch.pointer, rows, cols);
    }

    @Override
    public void rsqrt(Buffer x, Buffer out) {
        CudaBuffer[] o = unary("rsqrt", x, out);
        kernels.rsqrt(o[0].pointer, o[1].pointer, o[1].length);
    }

    @Override
    public void transpose(Buffer x, int outer, int rows, int cols, int inner, Buffer out) {
        CudaBuffer cx = cuda(x, "transpose"), co = cuda(out, "transpose");
        BackendChecks.transpose(cx, co, outer, rows, cols, inner, overlap(cx, co));
        makeCurrent();
        kernels.transpose(cx.pointer, co.pointer, outer, rows, cols, inner);
    }

    @Override
    public void dropoutMask(long seed, float p, Buffer out) {
        CudaBuffer co = cuda(out, "dropoutMask");
        BackendChecks.dropoutProbability(p);
        makeCurrent();
        // Computed here exactly as the CPU computes them, so that both draw the same mask.
        long threshold = Math.round(p * (double) (1 << 24));
        float keep = 1f / (1f - p);
        kernels.dropoutMask(co.pointer, co.length, seed, threshold, keep);
    }

    // ---- sliding windows ----------------------------------------------------------------------

    @Override
    public void im2col(Buffer x, Window2d w, Buffer cols) {
        CudaBuffer cx = cuda(x, "im2col"), cc = cuda(cols, "im2col");
        BackendChecks.patches("im2col", cx, cc, w);
        makeCurrent();
        kernels.im2col(cx.pointer, cc.pointer, w);
    }

    @Override
    public void col2im(Buffer cols, Window2d w, Buffer x) {
        CudaBuffer cc = cuda(cols, "col2im"), cx = cuda(x, "col2im");
        BackendChecks.patches("col2im", cx, cc, w);
        makeCurrent();
        kernels.col2im(cc.pointer, cx.pointer, w);
    }

    @Override
    public void maxPool2d(Buffer x, Window2d w, Buffer y, Buffer argmax) {
        CudaBuffer cx = cuda(x, "maxPool2d"), cy = cuda(y, "maxPool2d"), ca = cuda(argmax, "maxPool2d");
        BackendChecks.maxPool2d(cx, cy, ca, w);
        makeCurrent();
        kernels.maxPool2d(cx.pointer, cy.pointer, ca.pointer, w);
    }

    @Override
    public void gather(Buffer x, Buffer index, int planes, int planeIn, int planeOut, Buffer y) {
        CudaBuffer cx = cuda(x, "gather"), ci = cuda(index, "gather"), cy = cuda(y, "gather");
        BackendChecks.planes("gather", cx, ci, cy, planes, planeIn, planeOut);
        makeCurrent();
        kernels.gather(cx.pointer, ci.pointer, cy.pointer, planes, planeIn, planeOut);
    }

    @Override
    public void scatterAdd(Buffer y, Buffer index, int planes, int planeIn, int planeOut, Buffer x) {
        CudaBuffer cy = cuda(y, "scatterAdd"), ci = cuda(index, "scatterAdd"), cx = cuda(x, "scatterAdd");
        BackendChecks.planes("scatterAdd", cx, ci, cy, planes, planeIn, planeOut);
        makeCurrent();
        kernels.scatterAdd(cy.pointer, ci.pointer, cx.pointer, planes, planeIn, planeOut);
    }

    // ---- checks -------------------------------------------------------------------------------

    private CudaBuffer cuda(Buffer b, String op) {
        if (b instanceof CudaBuffer && ((CudaBuffer) b).backend == this) return (CudaBuffer) b;
        throw new IllegalArgumentException(op + ": buffer " + b + " does not live on the " + name() + " backend");
    }

    private CudaBuffer[] unary(String op, Buffer x, Buffer out) {
        CudaBuffer cx = cuda(x, op), co = cuda(out, op);
        BackendChecks.sameLength(op, cx, co);
        makeCurrent();
        return new CudaBuffer[] {cx, co};
    }

    private CudaBuffer[] binary(String op, Buffer a, Buffer b, Buffer out) {
        CudaBuffer ca = cuda(a, op), cb = cuda(b, op), co = cuda(out, op);
        BackendChecks.sameLength(op, ca, co);
        BackendChecks.sameLength(op, cb, co);
        makeCurrent();
        return new CudaBuffer[] {ca, cb, co};
    }

    private static boolean overlap(CudaBuffer a, CudaBuffer b) {
        return a.block == b.block && a.offset < b.offset + b.length && b.offset < a.offset + a.length;
    }
}
