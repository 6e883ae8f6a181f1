package basin.kernels;

/**
 * The device-neutral kernel set that every op in Basin is built from. It knows nothing of autodiff:
 * it moves float32 numbers between host and device, and runs the GEMM, element-wise, broadcast and
 * reduction kernels that the ops' forward, JVP and VJP rules need.
 *
 * <p>Conventions. Matrices are row-major and contiguous. Element-wise kernels take their length from
 * {@code out} and require every operand to have that length. Broadcast and reduction kernels view a
 * tensor as {@code [outer, mid, inner]}: a bias of length {@code mid} is added across the batch of a
 * dense layer as {@code [batch, features, 1]}, across an NCHW image as {@code [N, C, H·W]}. Scalars that
 * steer numerics ({@link #dot}, {@link #sumToMid}) accumulate in float64. {@code out} may alias an
 * input in element-wise kernels, never in GEMM or in broadcast and reduction kernels.
 */
public interface Backend {

    /** A short name for messages: {@code "cpu"}, {@code "cuda:0"}. */
    String name();

    // ---- storage and transfers --------------------------------------------------------------

    /** A buffer of {@code n} elements with unspecified contents, recycled from a pool when possible. */
    Buffer allocate(int n);

    /** A buffer of {@code n} zeros. */
    default Buffer zeros(int n) {
        Buffer b = allocate(n);
        fill(b, 0f);
        return b;
    }

    /**
     * Hands a buffer from {@link #allocate} back to the pool; a second release of it does nothing.
     * Views ({@link Buffer#slice}) are ignored.
     */
    void release(Buffer buffer);

    /** Opens a scope whose allocations on this thread return to the pool when it closes. */
    default Arena openArena() {
        return Arena.open(this);
    }

    /** Host → device: copies {@code dst.length()} floats from {@code src[srcOffset...]}. */
    void copyIn(float[] src, int srcOffset, Buffer dst);

    /** Device → host: copies all of {@code src} into {@code dst[dstOffset...]}. */
    void copyOut(Buffer src, float[] dst, int dstOffset);

    /** Device → device copy; lengths must agree. */
    void copy(Buffer src, Buffer dst);

    /** Sets every element of {@code dst} to {@code value}. */
    void fill(Buffer dst, float value);

    // ---- BLAS ---------------------------------------------------------------------------------

    /**
     * C ← α·op(A)·op(B) + β·C, row-major, with op(A) of shape [m, k], op(B) of shape [k, n], C of
     * shape [m, n]. A is stored [m, k] (or [k, m] when {@code transA}); B is stored [k, n] (or [n, k]
     * when {@code transB}).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Buffer a, Buffer b, float beta, Buffer c);

    /** y ← α·x + y. */
    void axpy(float alpha, Buffer x, Buffer y);

    /** ⟨a, b⟩ = Σ aᵢbᵢ, accumulated in float64. */
    double dot(Buffer a, Buffer b);

    // ---- element-wise -------------------------------------------------------------------------

    /** out = a + b. */
    void add(Buffer a, Buffer b, Buffer out);

    /** out = a − b. */
    void sub(Buffer a, Buffer b, Buffer out);

    /** out = a ⊙ b. */
    void mul(Buffer a, Buffer b, Buffer out);

    /** out = α·x. */
    void scale(Buffer x, float alpha, Buffer out);

    /** out = max(x, 0). */
    void relu(Buffer x, Buffer out);

    /** out = 𝟙[x &gt; 0] (1 where x is positive, else 0). */
    void positiveMask(Buffer x, Buffer out);

    /** out = exp(x). */
    void exp(Buffer x, Buffer out);

    // ---- broadcast and reduction over [outer, mid, inner] -------------------------------------

    /** out[o, m, i] = x[o, m, i] ∘ b[m]. */
    void broadcast(BroadcastOp op, Buffer x, Buffer b, int outer, int mid, int inner, Buffer out);

    /** out[o, m, i] = b[m]: b repeated along the outer and inner axes. */
    void expand(Buffer b, int outer, int mid, int inner, Buffer out);

    /** out[m] = Σ_{o, i} x[o, m, i], accumulated in float64. The reverse of {@link #expand}. */
    void sumToMid(Buffer x, int outer, int mid, int inner, Buffer out);

    /** Row-wise log-softmax of a [rows, cols] matrix: out = x − max − log Σ exp(x − max). */
    void logSoftmax(Buffer x, int rows, int cols, Buffer out);

    /**
     * The classification hits of a batch: hits[r] = 1 when row r of {@code targets} [rows, cols] is
     * non-zero at the column of the largest entry of row r of {@code logits} [rows, cols], else 0.
     * The row is scanned in order and the pick moves only to a strictly larger entry, so ties go to
     * the first maximum and a NaN (every comparison with it false) never moves it. With one-hot
     * targets Σ hits is the number of correct predictions, which {@code dot(hits, hits)} brings back
     * as one scalar.
     */
    void argmaxHits(Buffer logits, Buffer targets, int rows, int cols, Buffer hits);

    /** out = 1/√x. */
    void rsqrt(Buffer x, Buffer out);

    /**
     * Swaps the two middle axes of x viewed as [outer, rows, cols, inner]:
     * out[o, c, r, i] = x[o, r, c, i]. With inner = 1 and outer = 1 it is the matrix transpose; a
     * convolution uses it to turn GEMM's [Cout, N, P] into NCHW's [N, Cout, P].
     */
    void transpose(Buffer x, int outer, int rows, int cols, int inner, Buffer out);

    /**
     * Inverted-dropout mask: out[i] = 0 with probability p, else 1/(1 − p), decided by a stateless
     * hash of (seed, i) so every backend draws the same mask: u = splitmix64(seed + (i+1)·φ) ≫ 40
     * (24 bits, φ = 0x9E3779B97F4A7C15), dropped when u &lt; round(p·2²⁴).
     */
    void dropoutMask(long seed, float p, Buffer out);

    // ---- sliding windows over NCHW images (see Window2d) --------------------------------------

    /**
     * im2col: x [N, C, H, W] → cols [C·kh·kw, N·outH·outW], zeros where the window covers padding.
     * Row r = (c·kh + ki)·kw + kj, column q = (n·outH + oh)·outW + ow:
     * cols[r, q] = x[n, c, oh·sh − ph + ki, ow·sw − pw + kj]. A convolution is then one GEMM,
     * W[Cout, C·kh·kw] · cols (Chellapilla et al. 2006).
     */
    void im2col(Buffer x, Window2d w, Buffer cols);

    /**
     * col2im, the adjoint of {@link #im2col}: x [N, C, H, W] is overwritten with the sum, over every
     * (r, q) that im2col reads from input element (n, c, h, w), of cols[r, q]; padding entries are dropped.
     */
    void col2im(Buffer cols, Window2d w, Buffer x);

    /**
     * Max pooling: y [N, C, outH, outW] = the maximum of each window of x [N, C, H, W] (padding
     * never wins), and argmax [N, C, outH, outW] = where it was, as the in-plane index h·W + w
     * stored as a float (exact for planes under 2²⁴ pixels). Ties go to the first in row-major
     * window order and NaN wins, as in PyTorch.
     */
    void maxPool2d(Buffer x, Window2d w, Buffer y, Buffer argmax);

    /**
     * Gather by in-plane index: y[p, j] = x[p, index[p, j]] for planes p, x viewed as
     * [planes, planeIn] and y, index as [planes, planeOut]. With the argmax of {@link #maxPool2d}
     * it is the max-pool of any tensor shaped like x (the tangent follows the primal's maxima).
     */
    void gather(Buffer x, Buffer index, int planes, int planeIn, int planeOut, Buffer y);

    /**
     * The adjoint of {@link #gather}: x [planes, planeIn] is overwritten with zeros and then
     * x[p, index[p, j]] += y[p, j] for every j, in order.
     */
    void scatterAdd(Buffer y, Buffer index, int planes, int planeIn, int planeOut, Buffer x);
}
