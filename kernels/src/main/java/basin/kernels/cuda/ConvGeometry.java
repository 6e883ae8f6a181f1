package basin.kernels.cuda;

/**
 * The shape of a 2-D convolution or pooling window over an NCHW input [n, c, h, w]: window kh × kw,
 * zero padding padH/padW on each side, stride strideH/strideW, no dilation. Output size
 * oh = (h + 2·padH − kh)/strideH + 1, likewise ow.
 */
public record ConvGeometry(int n, int c, int h, int w, int kh, int kw, int padH, int padW, int strideH, int strideW) {

    public ConvGeometry {
        if (n < 0 || c < 0 || h < 1 || w < 1 || kh < 1 || kw < 1 || padH < 0 || padW < 0 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("conv geometry: " + describe(n, c, h, w, kh, kw, padH, padW, strideH, strideW)
                    + " has a non-positive size, window or stride, or a negative padding");
        }
        if (h + 2 * padH < kh || w + 2 * padW < kw) {
            throw new IllegalArgumentException("conv geometry: " + describe(n, c, h, w, kh, kw, padH, padW, strideH, strideW)
                    + ": the window is larger than the padded input");
        }
    }

    public int oh() {
        return (h + 2 * padH - kh) / strideH + 1;
    }

    public int ow() {
        return (w + 2 * padW - kw) / strideW + 1;
    }

    public long inputLength() {
        return (long) n * c * h * w;
    }

    public long outputPlanes() {
        return (long) n * c * oh() * ow();
    }

    /** Elements of im2col's [C·KH·KW, N·OH·OW] matrix. */
    public long colLength() {
        return (long) c * kh * kw * n * oh() * ow();
    }

    /** Max-pool needs every window to hold an input element, and float-coded plane indices to be exact. */
    void requirePoolable() {
        if (2 * padH > kh || 2 * padW > kw) {
            throw new IllegalArgumentException("maxPool: padding " + padH + "×" + padW + " exceeds half the window "
                    + kh + "×" + kw + "; a window could hold padding only");
        }
        if ((long) h * w > (1 << 24)) {
            throw new IllegalArgumentException("maxPool: planes of " + h + "×" + w + " are too large for float-coded indices (2^24)");
        }
    }

    private static String describe(int n, int c, int h, int w, int kh, int kw, int padH, int padW, int strideH, int strideW) {
        return String.format("input [%d, %d, %d, %d], window %d×%d, padding %d×%d, stride %d×%d",
                n, c, h, w, kh, kw, padH, padW, strideH, strideW);
    }
}
