package basin.experiments.scaleout;

import basin.engine.data.Split;
import basin.engine.nn.Sequential;
import basin.engine.probe.landscape.DatasetLoss;
import basin.kernels.Backend;

import java.io.Serializable;

/**
 * How to build, on any machine, the loss a landscape command measures: {@link DatasetLoss} of the
 * model over its data in batches of {@code batch}, with BatchNorm's running statistics either the
 * model's own ({@code recomputeStatistics} false: a slice around one model) or recomputed at each
 * point from the first {@code statisticsLimit} training examples ({@code true}: a path between
 * models). The same steps as the command's own {@code surface()} and {@code pathSurface()}.
 */
public record SurfaceRecipe(ModelRecipe model, int batch, boolean recomputeStatistics, Integer statisticsLimit,
                            int statisticsBatch) implements Serializable {

    /** The loss, built here: the model and its data loaded, the batches staged on this machine's device. */
    public DatasetLoss build() {
        Backend backend = model.backend();
        Sequential net = model.model();
        model.load(net, backend);
        DatasetLoss f = new DatasetLoss(net, model.data(), batch, backend);
        if (!recomputeStatistics || !f.runningStatistics().present()) return f;
        return f.recomputingStatistics(model::model, model.data(Split.TRAIN, statisticsLimit), statisticsBatch);
    }

    /** Equal for equal recipes: executors keep the loss they built under it. */
    public String key() {
        return model.key() + "|" + batch + "|" + recomputeStatistics + "|" + statisticsLimit + "|" + statisticsBatch;
    }
}
