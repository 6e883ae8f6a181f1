package basin.kernels.cuda;

/**
 * Plain-loop versions of the layer kernels in conv.cu and batchnorm.cu, written from their stated
 * conventions (not from the CUDA code), as the oracle for the CUDA parity tests.
 */
final class ReferenceKernels {
    private ReferenceKernels() {
    }

    static float[] im2col(float[] x, ConvGeometry g) {
        int oh = g.oh(), ow = g.ow(), cols = g.n() * oh * ow;
        float[] col = new float[(int) g.colLength()];
        for (int c = 0; c < g.c(); c++)
            for (int kh = 0; kh < g.kh(); kh++)
                for (int kw = 0; kw < g.kw(); kw++)
                    for (int n = 0; n < g.n(); n++)
                        for (int y = 0; y < oh; y++)
                            for (int z = 0; z < ow; z++) {
                                int h = y * g.strideH() - g.padH() + kh, w = z * g.strideW() - g.padW() + kw;
                                int row = (c * g.kh() + kh) * g.kw() + kw, column = (n * oh + y) * ow + z;
                                boolean inside = h >= 0 && h < g.h() && w >= 0 && w < g.w();
                                col[row * cols + column] = inside ? x[((n * g.c() + c) * g.h() + h) * g.w() + w] : 0f;
                            }
        return col;
    }

    /** The adjoint of im2col: every column entry added back to the pixel it was read from (float64). */
    static double[] col2im(float[] col, ConvGeometry g) {
        int oh = g.oh(), ow = g.ow(), cols = g.n() * oh * ow;
        double[] dx = new double[(int) g.inputLength()];
        for (int c = 0; c < g.c(); c++)
            for (int kh = 0; kh < g.kh(); kh++)
                for (int kw = 0; kw < g.kw(); kw++)
                    for (int n = 0; n < g.n(); n++)
                        for (int y = 0; y < oh; y++)
                            for (int z = 0; z < ow; z++) {
                                int h = y * g.strideH() - g.padH() + kh, w = z * g.strideW() - g.padW() + kw;
                                if (h < 0 || h >= g.h() || w < 0 || w >= g.w()) continue;
                                int row = (c * g.kh() + kh) * g.kw() + kw, column = (n * oh + y) * ow + z;
                                dx[((n * g.c() + c) * g.h() + h) * g.w() + w] += col[row * cols + column];
                            }
        return dx;
    }

    /** Window maxima and the plane-local index h·W + w of the first maximum in row-major window order. */
    static float[][] maxPool(float[] x, ConvGeometry g) {
        int oh = g.oh(), ow = g.ow(), planes = g.n() * g.c(), hw = g.h() * g.w();
        float[] y = new float[planes * oh * ow], idx = new float[y.length];
        for (int p = 0; p < planes; p++)
            for (int a = 0; a < oh; a++)
                for (int b = 0; b < ow; b++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int kh = 0; kh < g.kh(); kh++)
                        for (int kw = 0; kw < g.kw(); kw++) {
                            int h = a * g.strideH() - g.padH() + kh, w = b * g.strideW() - g.padW() + kw;
                            if (h < 0 || h >= g.h() || w < 0 || w >= g.w()) continue;
                            float v = x[p * hw + h * g.w() + w];
                            if (at < 0 || v > best) {
                                best = v;
                                at = h * g.w() + w;
                            }
                        }
                    y[(p * oh + a) * ow + b] = best;
                    idx[(p * oh + a) * ow + b] = at;
                }
        return new float[][] {y, idx};
    }

    /** dx[p, idx[p, j]] += dy[p, j], in output order. */
    static float[] maxPoolScatter(float[] dy, float[] idx, ConvGeometry g) {
        int ohw = g.oh() * g.ow(), hw = g.h() * g.w();
        float[] dx = new float[(int) g.inputLength()];
        for (int j = 0; j < dy.length; j++) dx[(j / ohw) * hw + (int) idx[j]] += dy[j];
        return dx;
    }

    /** Per-channel mean and biased variance over [outer, C, inner], two-pass float64. */
    static double[][] batchNormStats(float[] x, int outer, int channels, int inner) {
        double[] mean = new double[channels], var = new double[channels];
        int count = outer * inner;
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int o = 0; o < outer; o++) for (int i = 0; i < inner; i++) s += x[(o * channels + c) * inner + i];
            mean[c] = s / count;
            double q = 0;
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++) {
                    double d = x[(o * channels + c) * inner + i] - mean[c];
                    q += d * d;
                }
            var[c] = q / count;
        }
        return new double[][] {mean, var};
    }
}
