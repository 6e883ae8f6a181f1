package basin.kernels.cuda;

/**
 * Plain-loop versions of the BatchNorm kernels in batchnorm.cu, written from their stated
 * conventions (not from the CUDA code), as the oracle for the kernel parity tests: they have no
 * Backend method, so the CPU backend cannot serve.
 */
final class ReferenceKernels {
    private ReferenceKernels() {
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
