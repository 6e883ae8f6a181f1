package basin.benchmarks;

import basin.autodiff.Autodiff;
import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Conv2d;
import basin.engine.nn.Mode;
import basin.engine.nn.Sequential;
import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.Buffer;
import basin.kernels.Window2d;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The convolutions of the studies as im2col + GEMM on the CPU backend, batch 128: im2col of the
 * whole batch alone (memory traffic), the forward pass of a Conv2d layer (chunked im2col, GEMM,
 * transpose to NCHW, bias), and its gradient with respect to weights and input (the reverse sweep
 * adds two GEMMs, im2col again and col2im). The GEMM does 2·out·(in·k²)·(N·outH·outW) flops, so time converts to GFLOP/s.
 *
 * <p>Shapes, as "in×H×W→out": the second convolution of mlp-vs-cnn's CNN (32×14×14→64), the
 * second and third of cnn-vs-resnet's vanilla CNN (64×16×16→128, 128×8×8→256), and the first- and
 * last-stage 3×3 convolutions of ResNet-20 (16×32×32→16, 64×8×8→64).
 *
 * <p>What would make the number wrong: a first-call measurement (the buffer pool fills on the
 * first call; warm-up covers it), inputs of zeros, and results not consumed (each one goes to a
 * Blackhole or is read back).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
public class ConvBench {

    @Param({"32x14x14-64", "64x16x16-128", "128x8x8-256", "16x32x32-16", "64x8x8-64"})
    public String shape;

    @Param({"128"})
    public int batch;

    private final Backend cpu = CpuBackend.get();
    private Sequential layer;
    private ParamVector theta;
    private Tensor x, r;
    private Window2d window;
    private Buffer cols;

    @Setup
    public void setUp() {
        String[] parts = shape.split("[x-]");
        int in = Integer.parseInt(parts[0]), h = Integer.parseInt(parts[1]), w = Integer.parseInt(parts[2]), out = Integer.parseInt(parts[3]);
        layer = new Sequential(Shape.of(in, h, w), List.of(new Conv2d(in, out, 3, 1, 1, true)));
        theta = layer.initialParameters(cpu, 1);
        SplittableRandom rng = new SplittableRandom(7);
        x = random(Shape.of(batch, in, h, w), rng);
        r = random(Shape.of(batch, out, h, w), rng);
        window = Window2d.square(batch, in, h, w, 3, 1, 1);
        cols = cpu.allocate(window.patchSize() * window.positions());
    }

    @TearDown
    public void tearDown() {
        cpu.release(cols);
    }

    private Tensor random(Shape s, SplittableRandom rng) {
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return Tensor.fromHost(cpu, s, v);
    }

    /** x [N, in, H, W] → the [in·9, N·H·W] patch matrix. */
    @Benchmark
    public Buffer im2col() {
        cpu.im2col(x.buffer(), window, cols);
        return cols;
    }

    /** y = conv(x): im2col, GEMM, transpose, bias. */
    @Benchmark
    public void forward(Blackhole bh) {
        try (Arena arena = cpu.openArena()) {
            bh.consume(layer.forward(x, layer.tensors(theta), Mode.EVAL).buffer());
        }
    }

    /** ∂⟨r, conv(x)⟩/∂(W, b, x): the forward pass plus the reverse sweep. */
    @Benchmark
    public void gradient(Blackhole bh) {
        try (Arena arena = cpu.openArena()) {
            Tensor[] params = layer.tensors(theta);
            Tensor[] g = Autodiff.grad(t -> layer.forward(t[2], new Tensor[] {t[0], t[1]}, Mode.EVAL).mul(r).sum(), params[0], params[1], x);
            bh.consume(g[0].buffer());
            bh.consume(g[2].buffer());
        }
    }
}
