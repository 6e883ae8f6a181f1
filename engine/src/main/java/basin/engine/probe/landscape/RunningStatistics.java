package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Layer;
import basin.engine.nn.Sequential;

import java.util.ArrayList;
import java.util.List;

/**
 * The statistics a model's eval-mode forward pass reads that are not part of θ: BatchNorm's running
 * mean and variance. They belong to one θ, so a point on a path between two models (θ(t), or a
 * point of a plane) needs its own, recomputed from training data by train-mode forward passes with a
 * cumulative average (Garipov et al. 2018, {@code utils.update_bn}: momentum None), before its loss
 * means anything. Paths ask this hook whether the model has such statistics and, if so, to recompute
 * them at each point, and say in their output which happened.
 */
public interface RunningStatistics {

    /** True when the model's forward pass reads running statistics (it has BatchNorm layers). */
    boolean present();

    /** What the outputs say about it. */
    String describe();

    /** Recomputes the statistics for θ from {@code batches}; a no-op when {@link #present()} is false. */
    void recompute(ParamVector theta, List<Batch> batches);

    /**
     * The statistics of {@code model}. A model without BatchNorm has none, and paths through it need no
     * recomputation. A model with BatchNorm is refused before any work: its layer keeps its running
     * statistics in a place this probe does not yet reach, and measuring a path with the end models'
     * statistics would give wrong losses silently.
     */
    static RunningStatistics of(Sequential model) {
        List<String> batchNorms = new ArrayList<>();
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).type().toLowerCase(java.util.Locale.ROOT).startsWith("batchnorm")) batchNorms.add(i + ":" + layers.get(i).type());
        }
        if (!batchNorms.isEmpty()) {
            throw new UnsupportedOperationException("landscape: the model has BatchNorm layers " + batchNorms
                    + "; recomputing their running statistics at each point of a path is not supported yet,"
                    + " so paths and planes through this model are refused rather than measured with the wrong statistics");
        }
        return NONE;
    }

    /** A model without running statistics. */
    RunningStatistics NONE = new RunningStatistics() {
        @Override
        public boolean present() {
            return false;
        }

        @Override
        public String describe() {
            return "model has no BatchNorm: no running statistics to recompute";
        }

        @Override
        public void recompute(ParamVector theta, List<Batch> batches) {
        }
    };
}
