package basin.kernels.cuda;

import basin.kernels.Buffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static basin.kernels.cuda.Gpu.download;
import static basin.kernels.cuda.Gpu.random;
import static basin.kernels.cuda.Gpu.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The backend called from several threads at once, as a loss slice with {@code --threads} calls it:
 * each thread is new, so its first call must make the context current on it; the threads share the
 * stream, the cuBLAS handle, the staging buffer and the dot product's scratch. On one stream every
 * kernel here, and cuBLAS, give the same bits on every run, so each thread's numbers must equal,
 * bit for bit, those of the same work run alone on the test's thread. Skipped, with the reason,
 * where CUDA cannot be used.
 */
class CudaThreadsTest {
    private static final int THREADS = 4, ROUNDS = 25;
    private CudaBackend gpu;

    @BeforeEach
    void device() {
        gpu = Gpu.require();
    }

    @Test
    void callsFromSeveralNewThreadsGiveTheBitsOfTheSameCallsOnOneThread() throws Exception {
        long seed = Gpu.seed();
        double[][] alone = new double[THREADS][];
        for (int t = 0; t < THREADS; t++) alone[t] = work(seed + t);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<double[]>> together = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long s = seed + t;
                together.add(pool.submit(() -> work(s)));
            }
            for (int t = 0; t < THREADS; t++) {
                assertArrayEquals(alone[t], together.get(t).get(), "thread " + t + " of " + THREADS + ", seed=" + seed);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Rounds of GEMM, log-softmax, a bias gradient (sumToMid), axpy and a dot product on fresh
     * buffers: every dot product, then the final matrix, as doubles.
     */
    private double[] work(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int m = 64, k = 96, n = 48;
        Buffer a = upload(gpu, random(rng, m * k)), b = upload(gpu, random(rng, k * n));
        Buffer c = gpu.allocate(m * n), p = gpu.allocate(m * n), bias = gpu.allocate(n);
        int fed = m * n;   // the part of A that each round's output feeds back into, so that rounds depend on each other
        double[] out = new double[ROUNDS + m * n];
        for (int r = 0; r < ROUNDS; r++) {
            gpu.gemm(false, false, m, n, k, 1f, a, b, 0f, c);
            gpu.logSoftmax(c, m, n, p);
            gpu.sumToMid(p, m, n, 1, bias);
            gpu.axpy(0.25f, p, c);
            out[r] = gpu.dot(c, p) + gpu.dot(bias, bias);
            gpu.axpy(-1e-3f, c.slice(0, fed), a.slice(0, fed));
        }
        float[] last = download(gpu, c);
        for (int i = 0; i < last.length; i++) out[ROUNDS + i] = last[i];
        for (Buffer x : new Buffer[] {a, b, c, p, bias}) gpu.release(x);
        return out;
    }
}
