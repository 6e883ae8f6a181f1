package basin.benchmarks;

import basin.autodiff.Autodiff;
import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.nn.AvgPool2d;
import basin.engine.nn.GlobalAvgPool2d;
import basin.engine.nn.Layer;
import basin.engine.nn.MaxPool2d;
import basin.engine.nn.Mode;
import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Pooling layers on the CPU backend, batch 128: 2×2 max pooling (forward, and forward plus the
 * scatter-add of its reverse sweep), 2×2 average pooling (im2col of each plane and a sum) and
 * global average pooling. Shapes "C×H×W": after the first convolution of mlp-vs-cnn (32×28×28) and
 * of cnn-vs-resnet's vanilla CNN (64×32×32), and the last stage of ResNet-20 (64×8×8). These are
 * memory-bound: divide the bytes moved (input + output + argmax) by the time for GB/s.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PoolBench {

    @Param({"32x28x28", "64x32x32", "64x8x8"})
    public String shape;

    @Param({"128"})
    public int batch;

    private final Backend cpu = CpuBackend.get();
    private final Layer maxPool = new MaxPool2d(2, 2, 0), avgPool = new AvgPool2d(2, 2, 0), globalPool = new GlobalAvgPool2d();
    private Tensor x;

    @Setup
    public void setUp() {
        String[] d = shape.split("x");
        Shape s = Shape.of(batch, Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]));
        float[] v = new float[s.size()];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        x = Tensor.fromHost(cpu, s, v);
    }

    private void run(Layer layer, Blackhole bh) {
        try (Arena arena = cpu.openArena()) {
            bh.consume(layer.forward(x, new Tensor[0], Mode.EVAL).buffer());
        }
    }

    @Benchmark
    public void maxPoolForward(Blackhole bh) {
        run(maxPool, bh);
    }

    /** Forward with argmax, then x̄ = scatter-add of ȳ = 1 to the argmax. */
    @Benchmark
    public void maxPoolGradient(Blackhole bh) {
        try (Arena arena = cpu.openArena()) {
            bh.consume(Autodiff.grad(t -> maxPool.forward(t[0], new Tensor[0], Mode.EVAL).sum(), x)[0].buffer());
        }
    }

    @Benchmark
    public void avgPoolForward(Blackhole bh) {
        run(avgPool, bh);
    }

    @Benchmark
    public void globalAvgPoolForward(Blackhole bh) {
        run(globalPool, bh);
    }
}
