package basin.kernels.cuda;

import jcuda.Pointer;

/**
 * Java entry points for every kernel in {@code kernels/src/main/cuda}: one method per kernel, with
 * the shapes and index conventions of its CUDA source. Pointers are device addresses of float32
 * data (float64 where named); every method only queues work on the backend's stream.
 *
 * <p>{@link CudaBackend} uses the element-wise, broadcast and reduction wrappers for the
 * {@code Backend} methods. The convolution, pooling, BatchNorm and dropout wrappers take the
 * conventions stated in {@code conv.cu}, {@code batchnorm.cu} and {@code dropout.cu} (NCHW,
 * plane-local pooling indices, per-channel statistics over the [outer, C, inner] view, masks from
 * (seed, index)), ready for the {@code Backend} methods of those layers.
 */
public final class CudaKernels {
    /** Threads per block: a multiple of the warp, and a power of two as the block reductions need. */
    static final int THREADS = 256;
    /** Blocks for grid-stride loops: enough to fill any current GPU several times over. */
    static final int MAX_BLOCKS = 65535;
    /** Blocks of the first pass of a dot product; the second pass adds this many partial sums. */
    static final int DOT_BLOCKS = 512;
    private static final int REDUCE_SHARED = THREADS * 8;

    private final KernelLauncher launcher;

    CudaKernels(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    static int blocksFor(long n) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS));
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

    /** out[m] = Σ_{o,i} x[o, m, i] in float64, one block per m. */
    void sumToMid(Pointer x, Pointer out, long outer, long mid, long inner) {
        if (mid > 0) launcher.launch("sum_to_mid_f32", Math.toIntExact(mid), THREADS, REDUCE_SHARED, x, out, outer, mid, inner);
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
        if (rows > 0) launcher.launch("log_softmax_rows_f32", rows, THREADS, REDUCE_SHARED, x, out, (long) cols);
    }

    /** out[b, a, p] = x[a, b, p]: [C_out, N, P] from one im2col GEMM to NCHW [N, C_out, P], or back. */
    public void swapLeadingAxes(Pointer x, Pointer out, long a, long b, long p) {
        map("swap_leading_axes_f32", a * b * p, x, out, a, b, p);
    }

    // ---- convolution and pooling (NCHW; see conv.cu) -------------------------------------------------

    /** col[C·KH·KW, N·OH·OW] from x[N, C, H, W]; zero in the padding. */
    public void im2col(Pointer x, Pointer col, ConvGeometry g) {
        map("im2col_f32", g.colLength(), x, col, g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(),
                g.padH(), g.padW(), g.strideH(), g.strideW(), g.oh(), g.ow());
    }

    /** dx[N, C, H, W] = the adjoint of {@link #im2col} applied to col; overwrites dx. */
    public void col2im(Pointer col, Pointer dx, ConvGeometry g) {
        map("col2im_f32", g.inputLength(), col, dx, g.n(), g.c(), g.h(), g.w(), g.kh(), g.kw(),
                g.padH(), g.padW(), g.strideH(), g.strideW(), g.oh(), g.ow());
    }

    /** y[N, C, OH, OW] = window maxima of x; idx = plane-local h·W + w of each maximum, as floats. */
    public void maxPool(Pointer x, Pointer y, Pointer idx, ConvGeometry g) {
        g.requirePoolable();
        map("max_pool2d_f32", g.outputPlanes(), x, y, idx, g.n() * g.c(), g.h(), g.w(), g.kh(), g.kw(),
                g.padH(), g.padW(), g.strideH(), g.strideW(), g.oh(), g.ow());
    }

    /** out[p, j] = x[p, idx[p, j]]: the JVP of max-pool, gathering the tangent at the saved maxima. */
    public void maxPoolGather(Pointer x, Pointer idx, Pointer out, ConvGeometry g) {
        map("max_pool2d_gather_f32", g.outputPlanes(), x, idx, out, g.n() * g.c(), g.h() * g.w(), g.oh() * g.ow());
    }

    /** dx[p, h·W + w] = Σ dy[p, j] over the j whose saved index is h·W + w: the VJP of max-pool; overwrites dx. */
    public void maxPoolScatter(Pointer dy, Pointer idx, Pointer dx, ConvGeometry g) {
        map("max_pool2d_scatter_f32", g.inputLength(), dy, idx, dx, g.n() * g.c(), g.h(), g.w(), g.kh(), g.kw(),
                g.padH(), g.padW(), g.strideH(), g.strideW(), g.oh(), g.ow());
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
     * mask[i] = 1/keep when the counter-based uniform u(seed, i) &lt; keep, else 0; the same mask as
     * {@code basin.kernels.CounterRng.dropoutMask} on the CPU.
     */
    public void dropoutMask(Pointer mask, long n, long seed, float keep) {
        if (!(keep > 0f && keep <= 1f)) throw new IllegalArgumentException("dropoutMask: keep probability " + keep + " is not in (0, 1]");
        map("dropout_mask_f32", n, mask, n, seed, keep);
    }
}
