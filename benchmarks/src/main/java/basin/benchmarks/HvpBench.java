package basin.benchmarks;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The gradient and the HVP of the 784-256-10 MLP's mean cross-entropy on one batch, on the CPU
 * backend: the hot path of every curvature probe. The HVP should cost at most 2.5 gradients (one
 * forward and one reverse pass, each on dual numbers).
 *
 * <p>What would make the number wrong: zeros as inputs (the kernels do not special-case them, but
 * the comparison with other engines would be unfair), a first-call measurement (the buffer pool
 * fills on the first call; warm-up covers it), and a result not consumed (each call writes into a
 * ParamVector that the state keeps, so the work cannot be eliminated).
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class HvpBench {

    @Param({"128", "1024"})
    public int batch;

    private Objective objective;
    private ParamVector theta, v, gradient, hv;
    private Batch data;

    @Setup
    public void setUp() {
        Backend cpu = CpuBackend.get();
        SplittableRandom rng = new SplittableRandom(42);
        Sequential model = Mlp.of(Shape.of(784), 256, 10);
        theta = model.initialParameters(cpu, 1);
        v = ParamVector.gaussian(cpu, model.layout(), rng);
        gradient = theta.zerosLike();
        hv = theta.zerosLike();
        float[] x = new float[batch * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        float[] t = new float[batch * 10];
        for (int b = 0; b < batch; b++) t[b * 10 + rng.nextInt(10)] = 1f;
        data = new Batch(Tensor.fromHost(cpu, Shape.of(batch, 784), x), Tensor.fromHost(cpu, Shape.of(batch, 10), t));
        objective = new Objective(model, Mode.EVAL);
    }

    /** ∇L(θ): one recorded forward pass and one reverse sweep. */
    @Benchmark
    public double gradient() {
        return objective.gradient(theta, data, gradient);
    }

    /** ∇²L(θ)·v: the same passes on dual numbers. */
    @Benchmark
    public ParamVector hvp() {
        objective.hvp(theta, v, data, hv, null);
        return hv;
    }
}
