package basin.distributed;

import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.curvature.Curvature;
import basin.engine.probe.curvature.CurvatureOperator;
import basin.engine.probe.curvature.HessianOperator;
import basin.experiments.scaleout.CurvatureRecipe;
import basin.experiments.scaleout.ModelRecipe;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole-dataset curvature operator through Spark (local mode, two threads) against the local
 * operator over the same batches. Each batch's product is the same float32 computation; only the
 * sum over batches is done in another order (per shard in float32, across shards in float64), so
 * the two agree to a few float32 roundings of the sum: with b = 7 batches, b·u ≈ 4e-7 relative to
 * ‖Hv‖, and the tolerance below is 2e-6 of ‖Hv‖∞ for each entry.
 * (It holds its own Spark context; the commands of SparkLocalModeTest start and stop theirs.)
 */
class SparkCurvatureOperatorTest {
    @TempDir
    static Path dir;
    private static Fixtures models;
    private static SparkCluster cluster;
    private static final long SEED = Long.getLong("basin.seed", 16);
    private static final double TOLERANCE = 2e-6;

    @BeforeAll
    static void start() throws Exception {
        models = Fixtures.in(dir);
        cluster = new SparkCluster("curvature test", "local[2]", Map.of("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static void assertClose(ParamVector expected, ParamVector actual, String what) {
        float[] e = expected.toHost(), a = actual.toHost();
        double scale = 0;
        for (float x : e) scale = Math.max(scale, Math.abs(x));
        assertTrue(scale > 0, what + ": the product is zero");
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], TOLERANCE * scale, what + ", entry " + i + " of " + e.length + " (seed " + SEED + ")");
        }
    }

    @Test
    void aDatasetHessianVectorProductThroughSparkEqualsTheLocalOneToFloat32Rounding() throws Exception {
        // 130 examples in batches of 20: 7 batches, the last of 10, cut into 2 shards of whole batches.
        ModelRecipe model = ModelRecipe.of(models.spec, models.weightsA, "mnist-bundled", models.data, Split.TEST, 130, "cpu");
        CurvatureRecipe recipe = new CurvatureRecipe(model, 20, Mode.EVAL, Curvature.HESSIAN, 1, 0);
        Sequential net = ModelSpec.parse(Files.readString(models.spec));
        ParamVector theta = ModelWeights.load(models.weightsA, net, CpuBackend.get());
        Dataset data = DatasetResolver.standard().load("mnist-bundled", Split.TEST, models.data).first(130);
        HessianOperator local = HessianOperator.over(new Objective(net, Mode.EVAL), theta, data, 20);
        SparkCurvatureOperator spark = (SparkCurvatureOperator) cluster.curvature(recipe, theta, 130);
        assertEquals(2, spark.shardCount());
        assertEquals(local.batchCount(), spark.batchCount());
        assertEquals(local.examples(), spark.examples());
        for (long s = SEED; s < SEED + 2; s++) {
            ParamVector v = Fixtures.gaussian(net, s);
            assertClose(local.apply(v), spark.apply(v), "H v, v Gaussian of seed " + s);
        }
        assertEquals(2, spark.productCount());
    }

    @Test
    void theGaussNewtonMatrixThroughSparkEqualsTheLocalOne() throws Exception {
        ModelRecipe model = ModelRecipe.of(models.spec, models.weightsA, "mnist-bundled", models.data, Split.TEST, 90, "cpu");
        Sequential net = ModelSpec.parse(Files.readString(models.spec));
        ParamVector theta = ModelWeights.load(models.weightsA, net, CpuBackend.get());
        Dataset data = DatasetResolver.standard().load("mnist-bundled", Split.TEST, models.data).first(90);
        CurvatureOperator local = Curvature.GGN.over(new Objective(net, Mode.EVAL), theta,
                new basin.engine.train.DeviceBatches(CpuBackend.get(), data, 25).resident(), 1, 0);
        CurvatureOperator spark = cluster.curvature(new CurvatureRecipe(model, 25, Mode.EVAL, Curvature.GGN, 1, 0), theta, 90);
        ParamVector v = Fixtures.gaussian(net, SEED);
        assertClose(local.apply(v), spark.apply(v), "G v");
    }

    @Test
    void shardsAreRunsOfWholeBatchesCoveringEveryExampleOnce() {
        List<ExecutorCache.ShardRange> shards = SparkCurvatureOperator.shards(130, 20, 3);   // 7 batches: 2, 2, 3
        assertEquals(List.of(new ExecutorCache.ShardRange(0, 0, 40), new ExecutorCache.ShardRange(1, 40, 80),
                new ExecutorCache.ShardRange(2, 80, 130)), shards);
    }
}
