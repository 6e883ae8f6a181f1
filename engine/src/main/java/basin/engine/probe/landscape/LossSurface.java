package basin.engine.probe.landscape;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Backend;

/**
 * A loss L: ℝᵖ → ℝ over parameter space, known through its value (and accuracy, where the loss is
 * a classifier's) and its gradient. The landscape probes see nothing else, so each can be checked on
 * a quadratic whose answer is known in closed form.
 *
 * <p>Implementations must allow concurrent calls from several threads on distinct θ vectors: the
 * grid of a slice is evaluated in parallel.
 */
public interface LossSurface {

    /** L(θ) and the accuracy in [0, 1] at one point; accuracy is NaN where it has no meaning. */
    record Measurement(double loss, double accuracy) {
    }

    /** The layout of θ. */
    ParamLayout layout();

    /** The backend θ lives on. */
    Backend backend();

    /** L(θ) and the accuracy at θ. */
    Measurement measure(ParamVector theta);

    /** Writes ∇L(θ) into {@code gradient} and returns L(θ). */
    double gradient(ParamVector theta, ParamVector gradient);

    /** L(θ). */
    default double loss(ParamVector theta) {
        return measure(theta).loss();
    }

    /** What the loss is taken over, for outputs: e.g. "mnist test, 2000 examples, eval mode". */
    String describe();

    /**
     * The running statistics (BatchNorm) the loss reads besides θ: none (the default), the model's
     * own at every θ, or recomputed at each θ, which a path between models requires.
     */
    default RunningStatistics runningStatistics() {
        return RunningStatistics.NONE;
    }
}
