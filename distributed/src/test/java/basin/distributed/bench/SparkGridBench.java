package basin.distributed.bench;

import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Directions;
import basin.engine.probe.landscape.GridEngine;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.Slice;
import basin.experiments.scaleout.Cluster;
import basin.experiments.scaleout.ModelRecipe;
import basin.experiments.scaleout.ScaleOut;
import basin.experiments.scaleout.SurfaceRecipe;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One 2D grid of a model's loss, its points measured in-process on 2 threads ({@code engine=threads})
 * or by Spark embedded with 2 executor threads ({@code engine=spark}, {@code local[2]}): the engine's
 * overhead per grid. {@code model=mlp}: the 784-256-10 MLP over the first 1,000 bundled MNIST test
 * digits, a 4 × 4 grid. {@code model=resnet20}: ResNet-20 over 100 random CIFAR-format images
 * (written to a temporary test_batch.bin), a 2 × 2 grid: the per-point cost that, scaled to 10,000
 * images, estimates a CIFAR surface. {@code model=tiny}: a 784-8-10 MLP over 10 digits, a 4 × 4 grid,
 * whose points cost next to nothing, so that its time is the engine's own cost per grid (for Spark:
 * a job of 8 tasks, the broadcast, the results' return). Points per second = points / (ms/op) · 1000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+IgnoreUnrecognizedVMOptions",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
        "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
        "-Djdk.reflect.useDirectMethodHandle=false", "-Dbasin.quiet=true", "-Xmx3g"})
public class SparkGridBench {

    @Param({"mlp", "resnet20", "tiny"})
    public String model;

    @Param({"threads", "spark"})
    public String engine;

    private Cluster cluster;
    private GridEngine points;
    private ParamVector theta, d1, d2;
    private double[] alphas, betas;
    private Path folder;

    @Setup
    public void setUp() throws IOException {
        folder = Files.createTempDirectory("basin-bench-");
        SplittableRandom rng = new SplittableRandom(42);
        boolean mlp = !model.equals("resnet20");
        String spec = model.equals("mlp") ? ModelSpec.mlp(new int[] {1, 28, 28}, 256, 10)
                : mlp ? ModelSpec.mlp(new int[] {1, 28, 28}, 8, 10) : StudyModels.resnet20();
        Path specFile = Files.writeString(folder.resolve("model.json"), spec), weights = folder.resolve("weights.safetensors");
        Sequential net = ModelSpec.parse(spec);
        ModelWeights.save(weights, net, net.initialParameters(CpuBackend.get(), 1), Map.of());
        Path data = mlp ? Path.of("data/mnist-subset").toAbsolutePath() : randomCifar(folder, 100, rng);
        ModelRecipe recipe = ModelRecipe.of(specFile, weights, mlp ? "mnist-bundled" : "cifar10", data, Split.TEST, model.equals("mlp") ? 1000 : mlp ? 10 : 100, "cpu");
        SurfaceRecipe loss = new SurfaceRecipe(recipe, mlp ? 500 : 50, false, null, 0);
        DatasetLoss f = loss.build();
        theta = recipe.load(f.model(), CpuBackend.get());
        d1 = Directions.filterNormalised(Directions.gaussian(CpuBackend.get(), f.layout(), rng), theta, Directions.OneDimensional.IGNORE);
        d2 = Directions.filterNormalised(Directions.gaussian(CpuBackend.get(), f.layout(), rng), theta, Directions.OneDimensional.IGNORE);
        alphas = Slice.linspace(-1, 1, mlp ? 4 : 2);
        betas = Slice.linspace(-1, 1, mlp ? 4 : 2);
        if (engine.equals("spark")) {
            cluster = ScaleOut.named("spark").connect("bench", "local[2]", Map.of("spark.ui.enabled", "false"));
            points = cluster.grid(loss);
        } else {
            points = GridEngine.threads(f, 2);
        }
    }

    /** {@code count} CIFAR-10 records of random pixels and labels, as test_batch.bin. */
    private static Path randomCifar(Path folder, int count, SplittableRandom rng) throws IOException {
        byte[] records = new byte[count * 3073];
        for (int r = 0; r < count; r++) {
            records[r * 3073] = (byte) rng.nextInt(10);
            for (int i = 1; i < 3073; i++) records[r * 3073 + i] = (byte) rng.nextInt(256);
        }
        Files.write(folder.resolve("test_batch.bin"), records);
        return folder;
    }

    @TearDown
    public void tearDown() throws IOException {
        if (cluster != null) cluster.close();
        try (var files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
        }
        Files.delete(folder);
    }

    @Benchmark
    public double[] grid() {
        return Slice.plane(points, theta, d1, d2, alphas, betas, GridLog.none()).losses();
    }
}
