package basin.benchmarks;

import basin.autodiff.Shape;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mlp;
import basin.engine.nn.Sequential;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Directions;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.Slice;
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
 * A 1D slice of 8 points of the 784-256-10 MLP's loss over 1,000 examples (batches of 500), with the
 * points measured on 1 thread or on {@code threads} threads at once: what point-level parallelism
 * buys over the GEMM's own. Compare the two on an otherwise idle machine; on a loaded one the
 * numbers say nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SliceBench {

    @Param({"1", "2"})
    public int threads;

    private DatasetLoss loss;
    private ParamVector theta, d;
    private double[] alphas;

    @Setup
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(42);
        Sequential model = Mlp.of(Shape.of(1, 28, 28), 256, 10);
        int n = 1000;
        float[] x = new float[n * 784];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = rng.nextInt(10);
        loss = new DatasetLoss(model, new Dataset("random", x, labels, 1, 28, 28, 10), 500, CpuBackend.get());
        theta = model.initialParameters(CpuBackend.get(), 1);
        d = Directions.filterNormalised(Directions.gaussian(CpuBackend.get(), model.layout(), rng), theta, Directions.OneDimensional.IGNORE);
        alphas = Slice.linspace(-1, 1, 8);
    }

    @Benchmark
    public double[] slice() {
        return Slice.line(loss, theta, d, alphas, threads, GridLog.none()).losses();
    }
}
