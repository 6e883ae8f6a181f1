package basin.benchmarks;

import basin.kernels.cpu.gemm.PlainSgemm;
import basin.kernels.cpu.gemm.Sgemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * CPU SGEMM, C[m×n] = A[m×k]·B[k×n], row-major, no transposes, β = 0: the packed, register-tiled
 * Vector API kernel ({@link Sgemm}) against the same contract in plain loops ({@link PlainSgemm}),
 * on one thread and on all the JVM's processors.
 *
 * <p>The score is microseconds per call; GFLOP/s = 2·m·n·k / (score · 10³). The shapes are the
 * MLP's first layer at batch 128 (128×784×256) and a square 1024³. Inputs are uniform in [−1, 1]
 * (no zeros or denormals to flatter or slow the kernel); C is kept in the state so the work is not
 * dead code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBench {

    /** m×k×n. */
    @Param({"128x784x256", "1024x1024x1024"})
    public String shape;

    @Param({"vector", "plain"})
    public String kernel;

    /** 0 = every processor the JVM sees. */
    @Param({"1", "0"})
    public int threads;

    private int m, n, k, usedThreads;
    private float[] a, b, c;

    @Setup
    public void setUp() {
        String[] mkn = shape.split("x");
        m = Integer.parseInt(mkn[0]);
        k = Integer.parseInt(mkn[1]);
        n = Integer.parseInt(mkn[2]);
        usedThreads = threads == 0 ? Sgemm.maxThreads() : threads;
        SplittableRandom rng = new SplittableRandom(7);
        a = random(rng, m * k);
        b = random(rng, k * n);
        c = new float[m * n];
    }

    private static float[] random(SplittableRandom rng, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = (float) (2 * rng.nextDouble() - 1);
        return x;
    }

    @Benchmark
    public float[] sgemm() {
        if (kernel.equals("vector")) {
            Sgemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, usedThreads);
        } else {
            PlainSgemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, usedThreads);
        }
        return c;
    }
}
