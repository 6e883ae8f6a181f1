package basin.experiments.scaleout;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.curvature.CurvatureOperator;
import basin.engine.probe.landscape.GridEngine;

import java.io.PrintStream;
import java.util.List;

/**
 * A connection to a cluster for the length of one command: grids whose points its executors measure,
 * curvature operators whose products they share, and sweeps whose runs are its tasks. Whatever runs
 * there is rebuilt from a recipe ({@link SurfaceRecipe}, {@link CurvatureRecipe}, {@link SweepRecipe}),
 * since a model and its data on one machine cannot be sent to another as they are.
 */
public interface Cluster extends AutoCloseable {

    /** One line for outputs: the engine, its master and its parallelism. */
    String describe();

    /**
     * Grid points measured by the executors, each loading the loss of {@code loss} once and
     * measuring its share of the points; every point comes back to this machine and goes to the
     * grid log here, keyed by its index, so a retried task can neither lose nor repeat one.
     */
    GridEngine grid(SurfaceRecipe loss);

    /**
     * The curvature matrix of {@code recipe} over its whole dataset at θ: the examples split into
     * contiguous shards of whole batches, each executor applying its shard's batch-size-weighted sum,
     * the shards' vectors summed by a tree aggregation here. θ must be the recipe's weights and
     * {@code examples} the number of examples its data holds (N of the mean).
     */
    CurvatureOperator curvature(CurvatureRecipe recipe, ParamVector theta, int examples);

    /**
     * Runs of a sweep as tasks, one per seed; a run already finished is not run again. Returns what
     * failed, as "seed S: reason" lines.
     */
    List<String> sweep(SweepRecipe recipe, List<Long> seeds, PrintStream console);

    /** Stops the engine's context; the executors are released. */
    @Override
    void close();
}
