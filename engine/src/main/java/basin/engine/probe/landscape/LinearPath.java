package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;

/**
 * Linear mode connectivity (Goodfellow et al. 2015; Frankle et al. 2020): the loss along the
 * segment between two models,
 * <pre>
 *   θ(t) = (1 − t) θ_A + t θ_B = θ_A + t (θ_B − θ_A),     t ∈ [0, 1]
 * </pre>
 * measured as a 1D slice from θ_A along θ_B − θ_A, with its {@link Barrier}. A model with BatchNorm
 * needs its running statistics recomputed at each point ({@link DatasetLoss#recomputingStatistics}).
 */
public final class LinearPath {
    private LinearPath() {
    }

    /** Loss and accuracy at {@code points} evenly spaced t from 0 to 1 (both ends included), and the barrier. */
    public static PathResult measure(LossSurface f, ParamVector thetaA, ParamVector thetaB, int points, int threads, GridLog log) {
        return measure(f, GridEngine.threads(f, threads), thetaA, thetaB, points, log);
    }

    /** The same path with its points measured by {@code engine}; {@code f} is the loss the engine measures, checked here. */
    public static PathResult measure(LossSurface f, GridEngine engine, ParamVector thetaA, ParamVector thetaB, int points, GridLog log) {
        if (points < 2) throw new IllegalArgumentException("interpolation: need at least the two end points, got " + points);
        RunningStatistics statistics = f.runningStatistics();
        statistics.requireRecomputedFor("interpolation");             // before any work
        ParamVector d = Directions.between(thetaA, thetaB);
        Slice.Result r = Slice.line(engine, thetaA, d, Slice.linspace(0, 1, points), log);
        return new PathResult(r.alphas(), r.losses(), r.accuracies(), Barrier.of(r.alphas(), r.losses()), statistics.describe());
    }
}
