package basin.kernels.cuda;

import basin.kernels.Buffer;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared by the CUDA parity tests: the backend (or a skip with the reason), random inputs, transfers. */
final class Gpu {
    private Gpu() {
    }

    /** The CUDA backend; skips the calling test class, saying why, on a machine where CUDA cannot be used. */
    static CudaBackend require() {
        try {
            return CudaBackend.get();
        } catch (CudaUnavailableException e) {
            assumeTrue(false, "CUDA parity tests skipped: " + e.getMessage());
            throw e;
        }
    }

    /** {@code -Dbasin.seed=N} pins the inputs; otherwise a fresh seed, printed in every failure message. */
    static long seed() {
        String pinned = System.getProperty("basin.seed");
        return pinned != null ? Long.parseLong(pinned) : System.nanoTime();
    }

    /** Uniform in [-1, 1), with a few exact zeros, which ReLU and its mask treat specially. */
    static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextInt(16) == 0 ? 0f : (float) (2 * rng.nextDouble() - 1);
        return x;
    }

    static Buffer upload(CudaBackend gpu, float[] x) {
        Buffer b = gpu.allocate(x.length);
        gpu.copyIn(x, 0, b);
        return b;
    }

    static float[] download(CudaBackend gpu, Buffer b) {
        float[] x = new float[b.length()];
        gpu.copyOut(b, x, 0);
        return x;
    }
}
