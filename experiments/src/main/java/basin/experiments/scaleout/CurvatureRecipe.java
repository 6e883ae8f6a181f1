package basin.experiments.scaleout;

import basin.engine.nn.Mode;
import basin.engine.probe.curvature.Curvature;

import java.io.Serializable;

/**
 * How to build, on any machine, a shard of a curvature matrix of the mean loss: the model and its
 * data ({@link ModelRecipe}), the batch size (the shards are runs of whole batches, so every batch is
 * the same as in one machine's operator), the loss mode (eval or batch statistics) and the matrix.
 *
 * @param fisherSamples labels per example of the Monte-Carlo Fisher (unused by the others)
 * @param labelSeed     the seed of the Monte-Carlo Fisher's labels (unused by the others)
 */
public record CurvatureRecipe(ModelRecipe model, int batch, Mode mode, Curvature curvature, int fisherSamples,
                              long labelSeed) implements Serializable {

    /** Equal for equal recipes: executors keep the shards they built under it. */
    public String key() {
        return model.key() + "|" + batch + "|" + mode + "|" + curvature + "|" + fisherSamples + "|" + labelSeed;
    }
}
