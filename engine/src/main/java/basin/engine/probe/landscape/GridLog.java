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
