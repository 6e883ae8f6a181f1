package basin.kernels;

/**
 * The argument checks every backend makes before it touches memory, in one place so that the CPU
 * and the CUDA backend refuse the same calls with the same messages. Each names the op and the
 * lengths or shapes that disagree.
 */
public final class BackendChecks {
    private BackendChecks() {
    }

    /** A view [offset, offset + length) lies inside a buffer of {@code bufferLength} elements. */
    public static void slice(int offset, int length, int bufferLength) {
        if (offset < 0 || length < 0 || offset + length > bufferLength) {
            throw new IndexOutOfBoundsException("slice: [" + offset + ", " + (offset + length)
                    + ") is outside a buffer of length " + bufferLength);
        }
    }

    /** Element-wise operands have one length. */
    public static void sameLength(String op, Buffer a, Buffer b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException(op + ": operand lengths differ: " + a.length() + " and " + b.length());
        }
    }

    /** A, B and C hold op(A) [m, k], op(B) [k, n] and C [m, n]. */
    public static void gemm(Buffer a, Buffer b, Buffer c, int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0 || a.length() != m * k || b.length() != k * n || c.length() != m * n) {
            throw new IllegalArgumentException(String.format(
                    "gemm: buffers of length A=%d, B=%d, C=%d do not hold [%d, %d]·[%d, %d] → [%d, %d]",
                    a.length(), b.length(), c.length(), m, k, k, n, m, n));
        }
    }

    /** x and out hold [outer, rows, cols, inner] and do not alias ({@code aliased}: the backend's own test). */
    public static void transpose(Buffer x, Buffer out, int outer, int rows, int cols, int inner, boolean aliased) {
        long n = (long) outer * rows * cols * inner;
        if (outer < 0 || rows < 0 || cols < 0 || inner < 0 || x.length() != n || out.length() != n || aliased) {
            throw new IllegalArgumentException(String.format(
                    "transpose: buffers of length %d and %d do not hold [outer=%d, rows=%d, cols=%d, inner=%d] (or they alias)",
                    x.length(), out.length(), outer, rows, cols, inner));
        }
    }

    /** A dropout probability p in [0, 1). */
    public static void dropoutProbability(float p) {
        if (!(p >= 0f && p < 1f)) throw new IllegalArgumentException("dropoutMask: p must be in [0, 1), got " + p);
    }

    /** Each buffer holds a [rows, cols] matrix. */
    public static void matrices(String op, int rows, int cols, Buffer... buffers) {
        for (Buffer b : buffers) {
            if ((long) b.length() != (long) rows * cols) {
                StringBuilder lengths = new StringBuilder();
                for (Buffer each : buffers) lengths.append(lengths.length() == 0 ? "" : " and ").append(each.length());
                throw new IllegalArgumentException(op + ": buffers of length " + lengths + " do not hold [" + rows + ", " + cols + "]");
            }
        }
    }

    /** Logits and targets [rows, cols] with cols ≥ 1 (a row needs a largest entry), hits [rows]. */
    public static void argmaxHits(Buffer logits, Buffer targets, Buffer hits, int rows, int cols) {
        if (rows > 0 && cols < 1) throw new IllegalArgumentException("argmaxHits: " + rows + " rows of " + cols + " columns have no largest entry");
        matrices("argmaxHits", rows, cols, logits, targets);
        matrices("argmaxHits", rows, 1, hits);
    }

    /** An image [N, C, H, W] and its patch matrix [C·kh·kw, N·outH·outW] under window w. */
    public static void patches(String op, Buffer image, Buffer cols, Window2d w) {
        if (image.length() != w.inputSize() || (long) cols.length() != (long) w.patchSize() * w.positions()) {
            throw new IllegalArgumentException(op + ": an image buffer of length " + image.length() + " and a patch buffer of length "
                    + cols.length() + " do not hold the input and the [" + w.patchSize() + ", " + w.positions() + "] patches of " + w);
        }
    }

    /** x [planes, planeIn], index and y [planes, planeOut]. */
    public static void planes(String op, Buffer x, Buffer index, Buffer y, int planes, int planeIn, int planeOut) {
        if (x.length() != planes * planeIn || index.length() != planes * planeOut || y.length() != planes * planeOut) {
            throw new IllegalArgumentException(String.format(
                    "%s: buffers x=%d, index=%d, y=%d do not match [planes=%d, planeIn=%d] and [planes=%d, planeOut=%d]",
                    op, x.length(), index.length(), y.length(), planes, planeIn, planes, planeOut));
        }
    }

    /** A [outer, mid, inner] tensor and a [mid] vector. */
    public static void outerMidInner(String op, Buffer full, Buffer small, int outer, int mid, int inner) {
        if (full.length() != outer * mid * inner || small.length() != mid) {
            throw new IllegalArgumentException(String.format(
                    "%s: buffers of length %d and %d do not match [outer=%d, mid=%d, inner=%d] and [mid=%d]",
                    op, full.length(), small.length(), outer, mid, inner, mid));
        }
    }

    /**
     * Max pooling's input, values and argmax under window w. The argmax is an in-plane index stored
     * as a float, exact only below 2²⁴ pixels; and a window lying wholly in the padding has no
     * maximum and no index inside its plane, so a later gather or scatterAdd with that index would
     * leave the plane. PyTorch forbids it by requiring padding ≤ kernel/2; here the exact condition
     * is checked.
     */
    public static void maxPool2d(Buffer x, Buffer y, Buffer argmax, Window2d w) {
        if (x.length() != w.inputSize() || y.length() != w.pooledSize() || argmax.length() != w.pooledSize()) {
            throw new IllegalArgumentException("maxPool2d: buffers of length " + x.length() + ", " + y.length() + ", "
                    + argmax.length() + " do not hold the input and the " + w.pooledSize() + " outputs of " + w);
        }
        if ((long) w.height() * w.width() > (1 << 24)) {
            throw new IllegalArgumentException("maxPool2d: planes of " + w.height() + "×" + w.width()
                    + " pixels exceed 2^24, where float indices stop being exact");
        }
        requireNoWindowInPaddingOnly(w);
    }

    /** See {@link #maxPool2d}. */
    public static void requireNoWindowInPaddingOnly(Window2d w) {
        boolean rows = w.kernelH() <= w.padH() || (w.outH() - 1) * w.strideH() - w.padH() >= w.height();
        boolean cols = w.kernelW() <= w.padW() || (w.outW() - 1) * w.strideW() - w.padW() >= w.width();
        if (rows || cols) {
            throw new IllegalArgumentException("maxPool2d: a window of " + w + " lies wholly in the padding, "
                    + "so it has no maximum; use padding at most half the kernel, as PyTorch requires");
        }
    }
}
