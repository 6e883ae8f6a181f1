package basin.experiments.cli;

import basin.engine.train.CurvatureTracker;

import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code train --track … --explain}: each curvature measurement during training, where it is taken
 * and against which threshold, with its Lanczos steps and Hutchinson samples ({@link ExplainTrace}),
 * and what it found. Gradient descent on a quadratic with curvature λ is stable only while
 * λ &lt; 2(1 + β)/η; the ratio λmax / threshold says how close training runs to that edge
 * (Cohen et al. 2021, "edge of stability").
 */
final class TrackingExplain implements CurvatureTracker.Listener {
    private final PrintStream out;
    private final ExplainTrace trace;

    TrackingExplain(PrintStream out) {
        this.out = out;
        this.trace = new ExplainTrace(out, 3);
    }

    @Override
    public void onMeasurement(long step, int epoch, double learningRate, double threshold, int examples) {
        trace.section(String.format(Locale.ROOT, "curvature at step %d (epoch %d) on %d probe examples; lr %.4g, stability threshold 2(1 + β)/η = %.6g",
                step, epoch, examples, learningRate, threshold));
    }

    @Override
    public void onStep(int j, double alpha, double beta, double[] ritzValues) {
        trace.onStep(j, alpha, beta, ritzValues);
    }

    @Override
    public void onSample(int n, double sample, double mean, double standardError) {
        trace.onSample(n, sample, mean, standardError);
    }

    @Override
    public void onPoint(CurvatureTracker.Point p) {
        if (!Double.isNaN(p.lambdaMax())) {
            out.printf(Locale.ROOT, "  λmax %.6g (residual %.2e) = %.3g of the threshold %.6g%s%n", p.lambdaMax(), p.lambdaResidual(),
                    p.lambdaMax() / p.threshold(), p.threshold(), p.lambdaMax() > p.threshold() ? ": above it, so a quadratic would diverge along x_1" : "");
        }
        if (!Double.isNaN(p.sharpnessMax())) out.printf(Locale.ROOT, "  sharpness over random directions: max %.6g, mean %.6g%n", p.sharpnessMax(), p.sharpnessMean());
        if (!Double.isNaN(p.trace())) out.printf(Locale.ROOT, "  tr H %.6g ± %.2g%n", p.trace(), p.traceStandardError());
        out.printf(Locale.ROOT, "  (%.2f s)%n", p.seconds());
    }
}
