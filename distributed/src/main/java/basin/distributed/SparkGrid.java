package basin.distributed;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.GridEngine;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.LossSurface;
import basin.engine.probe.landscape.Slice;
import basin.experiments.scaleout.SurfaceRecipe;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A grid's points measured by Spark's executors. The missing points are split into partitions
 * (a few per core, so that results come back while the grid is measured); θ, d₁ and d₂ go to every
 * executor once, as a broadcast; each executor builds the loss from its {@link SurfaceRecipe} once
 * ({@link ExecutorCache}) and measures its partitions' points one by one with {@link Slice#pointAt}
 * and the same {@link DatasetLoss} as a local run, so each point's value is the local one.
 *
 * <p>Every result comes back here and is written to the grid log on this machine, keyed by its
 * index, as each partition succeeds ({@link Jobs}): the executors never write the grid file, so a
 * task that dies halfway (a lost executor, a failed attempt) leaves nothing behind and its retry
 * measures the whole partition again. A point that fails names its index and coordinates.
 */
final class SparkGrid implements GridEngine {
    /** Partitions per core: small enough that a lost task costs little and points stream back, large enough to amortise a task's start. */
    static final int PARTITIONS_PER_CORE = 4;

    /**
     * Fault injection, for the tests of retries: the first attempt of partition 0 fails after
     * measuring this many of its points (-1, the default: never).
     */
    static final String FAIL_FIRST_ATTEMPT_AFTER = "spark.basin.faults.failFirstAttemptAfter";

    private final JavaSparkContext spark;
    private final SurfaceRecipe recipe;

    SparkGrid(JavaSparkContext spark, SurfaceRecipe recipe) {
        this.spark = spark;
        this.recipe = recipe;
    }

    /** One grid point: its index (α outer, β inner) and its coordinates. */
    record Point(int index, double alpha, double beta) implements Serializable {
    }

    /** A measured point. */
    record Measured(int index, double loss, double accuracy) implements Serializable {
    }

    /** The plane's vectors as they travel: θ, d₁ and d₂ (null for a line), float32 as on the device. */
    record Vectors(float[] theta, float[] d1, float[] d2) implements Serializable {
    }

    @Override
    public Map<Integer, LossSurface.Measurement> measure(ParamVector theta, ParamVector d1, ParamVector d2,
                                                         double[] a, double[] b, List<Integer> todo, GridLog log) {
        Map<Integer, LossSurface.Measurement> measured = new HashMap<>();
        if (todo.isEmpty()) return measured;
        List<Point> points = new ArrayList<>();
        for (int index : todo) points.add(new Point(index, a[index], b[index]));
        int partitions = Math.min(points.size(), Math.max(1, spark.defaultParallelism() * PARTITIONS_PER_CORE));
        Broadcast<Vectors> vectors = spark.broadcast(new Vectors(theta.toHost(), d1.toHost(), d2 == null ? null : d2.toHost()));
        SurfaceRecipe loss = recipe;
        int failAfter = spark.getConf().getInt(FAIL_FIRST_ATTEMPT_AFTER, -1);
        try {
            Jobs.run(spark, spark.parallelize(points, partitions),
                    (context, items) -> measurePartition(loss, vectors.value(), items, context, failAfter), Measured[].class,
                    (partition, results) -> {
                        for (Measured m : results) {
                            LossSurface.Measurement value = new LossSurface.Measurement(m.loss(), m.accuracy());
                            // One result per partition reaches here; the check only guards the file against a bug upstream.
                            if (measured.putIfAbsent(m.index(), value) == null) log.record(m.index(), a[m.index()], b[m.index()], value);
                        }
                    });
        } catch (RuntimeException e) {
            throw SparkCluster.failure("grid", e);
        } finally {
            vectors.destroy();
        }
        return measured;
    }

    /** On an executor: the partition's points, one after another, on the executor's copy of the loss. */
    private static Measured[] measurePartition(SurfaceRecipe recipe, Vectors v, Iterator<Point> items, TaskContext context, int failAfter) {
        DatasetLoss f = ExecutorCache.surface(recipe);
        ParamVector theta = ParamVector.fromHost(f.backend(), f.layout(), v.theta());
        ParamVector d1 = ParamVector.fromHost(f.backend(), f.layout(), v.d1());
        ParamVector d2 = v.d2() == null ? null : ParamVector.fromHost(f.backend(), f.layout(), v.d2());
        ParamVector point = theta.zerosLike();
        List<Measured> out = new ArrayList<>();
        while (items.hasNext()) {
            Point p = items.next();
            LossSurface.Measurement m;
            try {
                if (out.size() == failAfter && context.partitionId() == 0 && context.attemptNumber() == 0) {
                    throw new IllegalStateException("fault injected by " + FAIL_FIRST_ATTEMPT_AFTER + " after " + failAfter
                            + " points of partition 0, first attempt");
                }
                Slice.pointAt(theta, d1, d2, p.alpha(), p.beta(), point);
                m = f.measure(point);
            } catch (RuntimeException e) {
                throw new IllegalStateException("grid point " + p.index() + " at (α, β) = (" + p.alpha() + ", " + p.beta() + ") failed: "
                        + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
            }
            out.add(new Measured(p.index(), m.loss(), m.accuracy()));
        }
        return out.toArray(new Measured[0]);
    }
}
