package basin.kernels;

/**
 * A 2-D sliding window over an NCHW batch, the geometry shared by convolution (im2col/col2im) and
 * pooling: input {@code [batch, channels, height, width]}, a {@code kernelH × kernelW} window moved
 * by {@code strideH, strideW} over the input zero-padded by {@code padH, padW} on each side. Output
 * positions follow PyTorch's floor rule (no dilation, no ceil mode):
 * <pre>
 *   outH = ⌊(height + 2·padH − kernelH) / strideH⌋ + 1        outW likewise
 * </pre>
 * Window position (oh, ow) covers input rows {@code oh·strideH − padH + ki} for ki in [0, kernelH),
 * and columns likewise; rows or columns outside [0, height) × [0, width) are padding.
 */
public record Window2d(int batch, int channels, int height, int width,
                       int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

    /** Checks that every size is positive, padding non-negative, and the window fits the padded input. */
    public Window2d {
        if (batch < 1 || channels < 1 || height < 1 || width < 1 || kernelH < 1 || kernelW < 1
                || strideH < 1 || strideW < 1 || padH < 0 || padW < 0
                || kernelH > height + 2 * padH || kernelW > width + 2 * padW) {
            throw new IllegalArgumentException("window: input [" + batch + ", " + channels + ", " + height + ", " + width
                    + "] with kernel " + kernelH + "×" + kernelW + ", stride " + strideH + "×" + strideW
                    + ", padding " + padH + "×" + padW + " has no valid output position");
        }
    }

    /** A square window: the same kernel, stride and padding along both axes. */
    public static Window2d square(int batch, int channels, int height, int width, int kernel, int stride, int padding) {
        return new Window2d(batch, channels, height, width, kernel, kernel, stride, stride, padding, padding);
    }

    /** Output rows: ⌊(height + 2·padH − kernelH) / strideH⌋ + 1. */
    public int outH() {
        return (height + 2 * padH - kernelH) / strideH + 1;
    }

    /** Output columns: ⌊(width + 2·padW − kernelW) / strideW⌋ + 1. */
    public int outW() {
        return (width + 2 * padW - kernelW) / strideW + 1;
    }

    /** Elements of the input, batch·channels·height·width. */
    public int inputSize() {
        return batch * channels * height * width;
    }

    /** Rows of the im2col matrix, channels·kernelH·kernelW. */
    public int patchSize() {
        return channels * kernelH * kernelW;
    }

    /** Columns of the im2col matrix, batch·outH·outW (one per output position of every image). */
    public int positions() {
        return batch * outH() * outW();
    }

    /** Elements of a pooled output, batch·channels·outH·outW. */
    public int pooledSize() {
        return batch * channels * outH() * outW();
    }

    /** The same window over {@code batch·channels} single-channel planes (for pooling by im2col). */
    public Window2d perPlane() {
        return new Window2d(batch * channels, 1, height, width, kernelH, kernelW, strideH, strideW, padH, padW);
    }

    @Override
    public String toString() {
        return "[" + batch + ", " + channels + ", " + height + ", " + width + "] kernel " + kernelH + "×" + kernelW
                + " stride " + strideH + "×" + strideW + " padding " + padH + "×" + padW;
    }
}
