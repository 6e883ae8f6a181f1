package basin.kernels.cuda;

import basin.kernels.Window2d;
import jcuda.Pointer;

/**
 * Java entry points for every kernel in {@code kernels/src/main/cuda}: one method per kernel, with
 * the shapes and index conventions of its CUDA source. Pointers are device addresses of float32
 * data (float64 where named); every method only queues work on the backend's stream.
 *
 * <p>{@link CudaBackend} implements every {@code Backend} method with these wrappers (and cuBLAS for
 * GEMM). The BatchNorm kernels (per-channel statistics over the [outer, C, inner] view, the
 * normalisation, and the two backward sums and input gradient of training mode) have no
 * {@code Backend} method yet; they are public for a fused BatchNorm to call through
 * {@link CudaBackend#kernels()} and {@link CudaBackend#pointer}.
 */
public final class CudaKernels {
    /** Threads per block: a multiple of the warp, and a power of two as the block reductions need. */
    static final int THREADS = 256;
    /** Blocks for grid-stride loops: enough to fill any current GPU several times over. */
    static final int MAX_BLOCKS = 65535;
    /** Blocks of the first pass of a dot product; the second pass adds this many partial sums. */
    static final int DOT_BLOCKS = 512;
    private static final int REDUCE_SHARED = THREADS * 8;
    /**
     * Blocks a reduction's grid should reach to keep a large GPU busy: about what an H100 or H200
     * holds at once (132 multiprocessors × 8 blocks of 256 threads).
     */
    static final int FULL_GRID = 1024;
    /** Elements each thread of a split {@link #sumToMid} adds at least, so that a part is worth its block. */
    private static final int MIN_PER_THREAD = 8;

    private final KernelLauncher launcher;

    CudaKernels(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    static int blocksFor(long n) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS));
    }

    /**
     * Threads of a block that reduces {@code count} elements: a power of two from one warp up to
     * {@link #THREADS}, so that a short sum (a row of 10 logits, a 2×2 window) leaves few threads idle.
     */
    static int reductionThreads(long count) {
        int threads = 32;
        while (threads < THREADS && threads < count) threads <<= 1;
        return threads;
    }

    private void map(String kernel, long n, Object... args) {
        if (n > 0) launcher.launch(kernel, blocksFor(n), THREADS, 0, args);
    }

    // ---- element-wise (length n; out may alias an input) -----------------------------------------

    void add(Pointer a, Pointer b, Pointer out, long n) { map("add_f32", n, a, b, out, n); }
    void sub(Pointer a, Pointer b, Pointer out, long n) { map("sub_f32", n, a, b, out, n); }
    void mul(Pointer a, Pointer b, Pointer out, long n) { map("mul_f32", n, a, b, out, n); }
    void scale(Pointer x, float alpha, Pointer out, long n) { map("scale_f32", n, x, alpha, out, n); }
    /** y ← αx + y. */
    void axpy(float alpha, Pointer x, Pointer y, long n) { map("axpy_f32", n, alpha, x, y, n); }
    void relu(Pointer x, Pointer out, long n) { map("relu_f32", n, x, out, n); }
    void positiveMask(Pointer x, Pointer out, long n) { map("positive_mask_f32", n, x, out, n); }
    void exp(Pointer x, Pointer out, long n) { map("exp_f32", n, x, out, n); }

    // ---- broadcast and reduction over [outer, mid, inner] ------------------------------------------

    /** out[o, m, i] = x[o, m, i] + b[m]. */
    void broadcastAdd(Pointer x, Pointer b, Pointer out, long outer, long mid, long inner) {
        map("broadcast_add_f32", outer * mid * inner, x, b, out, outer, mid, inner);
    }

    /** out[o, m, i] = x[o, m, i] · b[m]. */
    void broadcastMul(Pointer x, Pointer b, Pointer out, long outer, long mid, long inner) {
        map("broadcast_mul_f32", outer * mid * inner, x, b, out, outer, mid, inner);
    }

    /** out[o, m, i] = b[m]. */
    void expand(Pointer b, Pointer out, long outer, long mid, long inner) {
        map("expand_f32", outer * mid * inner, b, out, outer, mid, inner);
    }

    /**
     * Blocks that share each m of {@link #sumToMid}: 1 when there are enough m to fill the GPU or
     * each sum is short; otherwise enough for about {@link #FULL_GRID} blocks in all, each thread
     * adding at least {@link #MIN_PER_THREAD} elements. (BatchNorm's sums over [128, 16, 32·32] would
     * otherwise run on 16 blocks, on 16 of an H200's 132 multiprocessors.)
     */
    static int sumToMidParts(long outer, long mid, long inner) {
        if (mid <= 0) return 1;
        long byLength = outer * inner / ((long) THREADS * MIN_PER_THREAD);
        long byGrid = (FULL_GRID + mid - 1) / mid;
        return (int) Math.max(1, Math.min(byLength, byGrid));
    }

    /** Bytes of float64 partial sums that {@link #sumToMid} needs for this shape: 0 when one block per m does. */
    static long sumToMidScratchBytes(long outer, long mid, long inner) {
        int parts = sumToMidParts(outer, mid, inner);
        return parts == 1 ? 0 : 8L * mid * parts;
    }

    /**
     * out[m] = Σ_{o,i} x[o, m, i] in float64: one block per m, or {@link #sumToMidParts} blocks per m
     * whose partial sums go through {@code partial} ({@link #sumToMidScratchBytes}; may be null when that is 0).
     */
    void sumToMid(Pointer x, Pointer out, long outer, long mid, long inner, Pointer partial) {
        if (mid <= 0) return;
        int parts = sumToMidParts(outer, mid, inner);
        if (parts == 1) {
            int threads = reductionThreads(outer * inner);
            launcher.launch("sum_to_mid_f32", Math.toIntExact(mid), threads, 8 * threads, x, out, outer, mid, inner);
            return;
        }
        if (partial == null) {
            throw new IllegalArgumentException("sumToMid: [" + outer + ", " + mid + ", " + inner + "] needs "
                    + sumToMidScratchBytes(outer, mid, inner) + " bytes of partial sums, none given");
        }
        launcher.launch("sum_to_mid_partial_f64", Math.toIntExact(mid * parts), THREADS, REDUCE_SHARED,
                x, partial, outer, mid, inner, parts);
        map("finish_sum_to_mid_f32", mid, partial, out, mid, parts);
    }

    /** result[0] = Σ aᵢbᵢ in float64, in two passes through {@code partial} ({@link #DOT_BLOCKS} doubles). */
    void dot(Pointer a, Pointer b, long n, Pointer partial, Pointer result) {
        int blocks = (int) Math.min(DOT_BLOCKS, Math.max(1, (n + THREADS - 1) / THREADS));
        launcher.launch("dot_partial_f64", blocks, THREADS, REDUCE_SHARED, a, b, partial, n);
        launcher.launch("finish_sum_f64", 1, THREADS, REDUCE_SHARED, partial, result, blocks);
    }

    /** result[0] = Σ xᵢ² in float64 (so ‖x‖ = √result), as {@link #dot} reading x once. */
    void sumSquares(Pointer x, long n, Pointer partial, Pointer result) {
        int blocks = (int) Math.min(DOT_BLOCKS, Math.max(1, (n + THREADS - 1) / THREADS));
        launcher.launch("sum_squares_partial_f64", blocks, THREADS, REDUCE_SHARED, x, partial, n);
        launcher.launch("finish_sum_f64", 1, THREADS, REDUCE_SHARED, partial, result, blocks);
    }

    /** Row-wise log-softmax of [rows, cols], one block per row. */
    void logSoftmax(Pointer x, Pointer out, int rows, int cols) {
        int threads = reductionThreads(cols);
        if (rows > 0) launcher.launch("log_softmax_rows_f32", rows, threads, 8 * threads, x, out, (long) cols);
    }

    /** hits[r] = 1 where targets[r, argmax_c logits[r, c]] ≠ 0 (the first maximum), else 0; one thread per row. */
    void argmaxHits(Pointer logits, Pointer targets, Pointer hits, long rows, long cols) {
        map("argmax_hits_f32", rows, logits, targets, hits, rows, cols);
    }

    /** out[o, c, r, i] = x[o, r, c, i] over [outer, rows, cols, inner]; out must not alias x. */
    void transpose(Pointer x, Pointer out, long outer, long rows, long cols, long inner) {
        map("transpose_f32", outer * rows * cols * inner, x, out, outer, rows, cols, inner);
    }

    /** out = 1/√x, rounded once from float64. */
    void rsqrt(Pointer x, Pointer out, long n) {
        map("rsqrt_f32", n, x, out, n);
    }

    // ---- sliding windows (NCHW; see conv.cu and Window2d) ---------------------------------------------

    /** cols[C·KH·KW, N·OH·OW] from x[N, C, H, W]; zero in the padding. */
    void im2col(Pointer x, Pointer cols, Window2d w) {
        map("im2col_f32", (long) w.patchSize() * w.positions(), x, cols, w.batch(), w.channels(), w.height(), w.width(),
                w.kernelH(), w.kernelW(), w.padH(), w.padW(), w.strideH(), w.strideW(), w.outH(), w.outW());
    }

    /** x[N, C, H, W] = the adjoint of {@link #im2col} applied to cols; overwrites x. */
    void col2im(Pointer cols, Pointer x, Window2d w) {
        map("col2im_f32", w.inputSize(), cols, x, w.batch(), w.channels(), w.height(), w.width(),
                w.kernelH(), w.kernelW(), w.padH(), w.padW(), w.strideH(), w.strideW(), w.outH(), w.outW());
    }

    /** y[N, C, OH, OW] = window maxima of x; argmax = plane-local h·W + w of each maximum, as floats. */
    void maxPool2d(Pointer x, Pointer y, Pointer argmax, Window2d w) {
        map("max_pool2d_f32", w.pooledSize(), x, y, argmax, w.batch() * w.channels(), w.height(), w.width(),
                w.kernelH(), w.kernelW(), w.padH(), w.padW(), w.strideH(), w.strideW(), w.outH(), w.outW());
    }

    /** y[p, j] = x[p, index[p, j]] over [planes, planeIn] → [planes, planeOut]. */
    void gather(Pointer x, Pointer index, Pointer y, int planes, int planeIn, int planeOut) {
        map("gather_planes_f32", (long) planes * planeOut, x, index, y, planes, planeIn, planeOut);
    }

    /** x[p] = 0, then x[p, index[p, j]] += y[p, j] in order of j: the adjoint of {@link #gather}. */
    void scatterAdd(Pointer y, Pointer index, Pointer x, int planes, int planeIn, int planeOut) {
        map("scatter_add_planes_f32", planes, y, index, x, planes, planeIn, planeOut);
    }

    // ---- BatchNorm (training mode, per channel c of [outer, C, inner]; see batchnorm.cu) ----------

    /** mean[c] and biased var[c] over the outer·inner elements of channel c. */
    public void batchNormStats(Pointer x, Pointer mean, Pointer var, long outer, int channels, long inner) {
        if (channels > 0) launcher.launch("batch_norm_stats_f32", channels, THREADS, REDUCE_SHARED,
                x, mean, var, outer, (long) channels, inner);
    }

    /** y = γ[c]·(x − mean[c])/√(var[c] + ε) + β[c]. */
    public void batchNormNormalize(Pointer x, Pointer mean, Pointer var, Pointer gamma, Pointer beta, float eps,
                                   Pointer y, long outer, int channels, long inner) {
        map("batch_norm_normalize_f32", outer * channels * inner, x, mean, var, gamma, beta, eps, y,
                outer, (long) channels, inner);
    }

    /** sumDy[c] = Σ dy (= dβ) and sumDyXhat[c] = Σ dy·x̂ (= dγ), per channel. */
    public void batchNormBackwardSums(Pointer x, Pointer dy, Pointer mean, Pointer var, float eps,
                                      Pointer sumDy, Pointer sumDyXhat, long outer, int channels, long inner) {
        if (channels > 0) launcher.launch("batch_norm_backward_sums_f32", channels, THREADS, REDUCE_SHARED,
                x, dy, mean, var, eps, sumDy, sumDyXhat, outer, (long) channels, inner);
    }

    /** dx = γ·σ⁻¹/M · (M·dy − Σdy − x̂·Σdy·x̂), M = outer·inner: the input gradient when mean and var depend on x. */
    public void batchNormBackwardInput(Pointer x, Pointer dy, Pointer mean, Pointer var, Pointer gamma, float eps,
                                       Pointer sumDy, Pointer sumDyXhat, Pointer dx, long outer, int channels, long inner) {
        map("batch_norm_backward_input_f32", outer * channels * inner, x, dy, mean, var, gamma, eps, sumDy, sumDyXhat,
                dx, outer, (long) channels, inner);
    }

    // ---- dropout -------------------------------------------------------------------------------------

    /**
     * out[i] = 0 where splitmix64(seed + (i+1)·φ) ≫ 40 &lt; threshold, else keep: Backend.dropoutMask
     * with threshold = round(p·2²⁴) and keep = 1/(1 − p), both computed by the caller.
     */
    void dropoutMask(Pointer out, long n, long seed, long threshold, float keep) {
        map("dropout_mask_f32", n, out, n, seed, threshold, keep);
    }
}
