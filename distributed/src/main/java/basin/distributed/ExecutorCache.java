package basin.distributed;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.probe.curvature.CurvatureOperator;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.train.DeviceBatches;
import basin.experiments.scaleout.CurvatureRecipe;
import basin.experiments.scaleout.SurfaceRecipe;
import basin.kernels.Backend;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an executor's JVM has built, kept for the tasks that follow: the loss of a grid (its model
 * and data loaded once per executor, not once per point or per partition) and the shards of a
 * curvature operator (each shard's batches staged once, not once per product). Only the latest
 * grid's loss and operator's shards are kept, so a long-lived executor does not pile up datasets.
 */
final class ExecutorCache {
    private static String surfaceKey;
    private static DatasetLoss surface;
    private static String shardsKey;
    private static final Map<Integer, Shard> shards = new HashMap<>();

    private ExecutorCache() {
    }

    /** The loss of {@code recipe}, built on the first call with it. Thread-safe: tasks of one executor share it. */
    static synchronized DatasetLoss surface(SurfaceRecipe recipe) {
        String key = recipe.key();
        if (!key.equals(surfaceKey)) {
            surface = null;                      // the previous grid's data may go before this one's loads
            surface = recipe.build();
            surfaceKey = key;
        }
        return surface;
    }

    /** Examples [from, to) of a dataset: a run of whole batches of the operator's batch size. */
    record ShardRange(int index, int from, int to) implements java.io.Serializable {
    }

    /**
     * One shard of a curvature operator: A_s = Σ_{b ∈ s} (|b| / N_s) A_b over its batches, with the
     * weight N_s / N that makes the sum over shards the operator of all N examples.
     */
    static final class Shard {
        final CurvatureOperator operator;
        final ParamVector theta;
        final double weight;

        Shard(CurvatureOperator operator, ParamVector theta, double weight) {
            this.operator = operator;
            this.theta = theta;
            this.weight = weight;
        }

        /** (N_s / N) A_s v, in float64 for the sum across shards. */
        synchronized double[] product(float[] v) {
            ParamVector in = ParamVector.fromHost(theta.backend(), theta.layout(), v);
            float[] out = operator.apply(in).toHost();
            double[] weighted = new double[out.length];
            for (int i = 0; i < out.length; i++) weighted[i] = weight * out[i];
            return weighted;
        }
    }

    /** Shard {@code range} of the operator of {@code recipe} over N = {@code examples}, built on the first call. */
    static Shard shard(CurvatureRecipe recipe, ShardRange range, int examples) {
        String key = recipe.key() + "|" + examples;
        synchronized (ExecutorCache.class) {
            if (!key.equals(shardsKey)) {
                shards.clear();
                shardsKey = key;
            }
            Shard s = shards.get(range.index());
            if (s != null) return s;
        }
        Shard built = build(recipe, range, examples);            // outside the lock: another shard may build at the same time
        synchronized (ExecutorCache.class) {
            if (key.equals(shardsKey)) shards.putIfAbsent(range.index(), built);
            return shards.getOrDefault(range.index(), built);
        }
    }

    private static Shard build(CurvatureRecipe recipe, ShardRange range, int examples) {
        Backend backend = recipe.model().backend();
        Sequential net = recipe.model().model();
        ParamVector theta = recipe.model().load(net, backend);
        Dataset data = recipe.model().data();
        if (data.count() != examples) {
            throw new IllegalStateException("shard " + range.index() + ": dataset " + data.name() + " has " + data.count()
                    + " examples on this executor, " + examples + " where the job was submitted: the executors must see the same data");
        }
        List<Batch> batches = new DeviceBatches(backend, data.subset(range.from(), range.to()), recipe.batch()).resident();
        CurvatureOperator operator = recipe.curvature().over(new Objective(net, recipe.mode()), theta, batches,
                recipe.fisherSamples(), recipe.labelSeed());
        return new Shard(operator, theta, (double) (range.to() - range.from()) / examples);
    }
}
