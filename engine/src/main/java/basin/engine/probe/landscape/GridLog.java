package basin.engine.probe.landscape;

import java.util.Map;

/**
 * Where the points of a grid go as they are measured, and where an interrupted run finds the ones it
 * already has. {@link GridFile} keeps them in a file; {@link #none()} keeps nothing.
 * {@link #record} is called from the evaluating threads and must be thread-safe.
 */
public interface GridLog {

    /** Points measured by an earlier run of the same grid: index (α outer, β inner) → measurement. */
    Map<Integer, LossSurface.Measurement> completed();

    /** Keeps one measured point. */
    void record(int index, double alpha, double beta, LossSurface.Measurement measurement);

    /** Keeps one measured point with further named numbers (a curvature map's λmax, λmin, …); a log that keeps none drops them. */
    default void record(int index, double alpha, double beta, LossSurface.Measurement measurement, Map<String, Double> extra) {
        record(index, alpha, beta, measurement);
    }

    /** The further numbers of the completed points, by index; empty for a log that keeps none. */
    default Map<Integer, Map<String, Double>> extras() {
        return Map.of();
    }

    /** A log that keeps nothing: every run starts from scratch. */
    static GridLog none() {
        return new GridLog() {
            @Override
            public Map<Integer, LossSurface.Measurement> completed() {
                return Map.of();
            }

            @Override
            public void record(int index, double alpha, double beta, LossSurface.Measurement measurement) {
            }
        };
    }
}
