package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import basin.engine.probe.curvature.Curvature;
import basin.engine.probe.curvature.CurvatureOperator;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code --operator hessian|ggn|fisher|fisher-mc|empirical-fisher} and {@code --fisher-samples M}:
 * which curvature matrix of the mean loss a command multiplies by (see {@link Curvature}). The
 * Monte-Carlo Fisher's labels are drawn once from the model, with the command's seed.
 */
public final class OperatorOptions {

    @Option(names = "--operator", defaultValue = "hessian",
            description = "hessian (the default), ggn (generalised Gauss–Newton Jᵀ H_ℓ J), fisher (of the model's predictive "
                    + "distribution; equals ggn for cross-entropy), fisher-mc (labels sampled from the model) or empirical-fisher "
                    + "(per-example gradients at the true labels).")
    String operator;

    @Option(names = "--fisher-samples", defaultValue = "1",
            description = "Labels sampled per example for --operator fisher-mc (default: ${DEFAULT-VALUE}).")
    int fisherSamples;

    Curvature curvature() {
        return Curvature.parse(operator);
    }

    /** The chosen matrix over the batches; {@code seed} seeds the Monte-Carlo Fisher's labels. */
    CurvatureOperator over(Objective objective, ParamVector theta, List<Batch> batches, long seed) {
        if (fisherSamples < 1) throw new IllegalArgumentException("--fisher-samples must be ≥ 1, got " + fisherSamples);
        // The labels get their own stream, split off the seed's, so they are independent of the probes' vectors.
        long labelSeed = new SplittableRandom(seed).split().nextLong();
        return curvature().over(objective, theta, batches, fisherSamples, labelSeed);
    }

    /** What outputs say about the operator: its name and formula, M for the Monte-Carlo Fisher. */
    String describe() {
        Curvature c = curvature();
        return c.label() + ": " + c.formula() + (c == Curvature.FISHER_MC ? ", M = " + fisherSamples + " per example" : "");
    }
}
