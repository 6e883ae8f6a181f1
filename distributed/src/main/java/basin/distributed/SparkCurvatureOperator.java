package basin.distributed;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.probe.curvature.Curvature;
import basin.engine.probe.curvature.CurvatureOperator;
import basin.experiments.scaleout.CurvatureRecipe;
import basin.kernels.Backend;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.List;

/**
 * A curvature matrix of the mean loss over a whole dataset, its products shared by Spark's executors:
 * <pre>
 *   A v = Σ_s (N_s / N) A_s v,     A_s v = Σ_{b ∈ s} (|b| / N_s) A_b v
 * </pre>
 * The N examples are cut into S contiguous shards of whole batches (so every batch is the batch a
 * local operator sees), each executor keeps its shards' batches staged ({@link ExecutorCache}), and
 * a product is one Spark job: v is broadcast, each shard returns its weighted product, and
 * {@code treeAggregate} sums the shards' vectors in float64 here. Lanczos, power iteration and
 * Hutchinson run here, on this operator, as on the local one.
 *
 * <p>How far from the local operator: each batch's product is the same float32 computation, and
 * only the summation differs: the local operator accumulates the batches in float32, one rounding
 * of u = 6e-8 per batch; here each shard accumulates its own batches in float32 and the shards add
 * in float64 before one rounding to float32. So the two agree to about b·u relative to ‖A v‖, b the
 * number of batches, not bit for bit.
 */
final class SparkCurvatureOperator implements CurvatureOperator {
    /** Depth of the aggregation tree: the executors add pairs of shards' vectors before the driver sees them. */
    static final int TREE_DEPTH = 2;

    private final JavaSparkContext spark;
    private final CurvatureRecipe recipe;
    private final ParamVector theta;
    private final int examples;
    private final int batchCount;
    private final JavaRDD<ExecutorCache.ShardRange> shards;
    private long products;

    SparkCurvatureOperator(JavaSparkContext spark, CurvatureRecipe recipe, ParamVector theta, int examples) {
        if (examples < 1) throw new IllegalArgumentException("curvature on the cluster: the dataset has no examples");
        this.spark = spark;
        this.recipe = recipe;
        this.theta = theta;
        this.examples = examples;
        this.batchCount = (examples + recipe.batch() - 1) / recipe.batch();
        List<ExecutorCache.ShardRange> ranges = shards(examples, recipe.batch(), Math.min(batchCount, spark.defaultParallelism()));
        this.shards = spark.parallelize(ranges, ranges.size());
    }

    /** S contiguous shards of whole batches, as even as whole batches allow: shard s holds batches ⌊sB/S⌋ … ⌊(s+1)B/S⌋ − 1. */
    static List<ExecutorCache.ShardRange> shards(int examples, int batch, int count) {
        int batches = (examples + batch - 1) / batch;
        List<ExecutorCache.ShardRange> ranges = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            int first = (int) ((long) s * batches / count), last = (int) ((long) (s + 1) * batches / count);
            ranges.add(new ExecutorCache.ShardRange(s, first * batch, Math.min(examples, last * batch)));
        }
        return ranges;
    }

    @Override
    public void apply(ParamVector v, ParamVector out) {
        if (v == out) throw new IllegalArgumentException("curvature on the cluster: out must not alias v");
        Broadcast<float[]> vector = spark.broadcast(v.toHost());
        CurvatureRecipe r = recipe;
        int n = examples, p = v.dim();
        double[] sum;
        try {
            sum = shards.map(shard -> ExecutorCache.shard(r, shard, n).product(vector.value()))
                    .treeAggregate(new double[p], SparkCurvatureOperator::addInto, SparkCurvatureOperator::addInto, TREE_DEPTH);
        } catch (RuntimeException e) {
            throw SparkCluster.failure("curvature product", e);
        } finally {
            vector.destroy();
        }
        float[] rounded = new float[p];
        for (int i = 0; i < p; i++) rounded[i] = (float) sum[i];
        out.copyFrom(ParamVector.fromHost(theta.backend(), theta.layout(), rounded));
        products++;
    }

    private static double[] addInto(double[] sum, double[] part) {
        for (int i = 0; i < sum.length; i++) sum[i] += part[i];
        return sum;
    }

    /** S, the number of shards the examples are cut into. */
    int shardCount() {
        return shards.getNumPartitions();
    }

    @Override
    public ParamLayout layout() {
        return theta.layout();
    }

    @Override
    public Backend backend() {
        return theta.backend();
    }

    @Override
    public Curvature curvature() {
        return recipe.curvature();
    }

    @Override
    public int examples() {
        return examples;
    }

    @Override
    public int batchCount() {
        return batchCount;
    }

    @Override
    public long productCount() {
        return products;
    }
}
