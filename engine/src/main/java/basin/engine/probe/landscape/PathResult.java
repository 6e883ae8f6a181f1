package basin.engine.probe.landscape;

/**
 * Loss and accuracy at points t ∈ [0, 1] along a path between two models, with its barrier and what
 * was done about running statistics (BatchNorm) along the way.
 */
public record PathResult(double[] ts, double[] losses, double[] accuracies, Barrier barrier, String runningStatistics) {
}
