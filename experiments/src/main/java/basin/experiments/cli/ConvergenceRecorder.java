package basin.experiments.cli;

import basin.engine.probe.curvature.HutchinsonTrace;
import basin.engine.probe.curvature.Lanczos;
import basin.experiments.report.ConvergencePlots;
import basin.experiments.report.RunFolder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps what {@code probe hessian --plots} draws: the Ritz values of T_j after every Lanczos step and
 * every Hutchinson sample's running mean and standard error. It passes each step on to the
 * {@code --explain} trace when there is one, so the two see the same run.
 */
final class ConvergenceRecorder implements Lanczos.Listener, HutchinsonTrace.Listener {
    private final ExplainTrace explain;
    final List<double[]> ritzValues = new ArrayList<>();      // step j (from 1) → θ₁ ≥ … ≥ θ_j of T_j
    final List<double[]> hutchinson = new ArrayList<>();      // sample n → {n, zᵀHz, mean, standard error}

    ConvergenceRecorder(ExplainTrace explain) {
        this.explain = explain;
    }

    @Override
    public void onStep(int j, double alpha, double beta, double[] ritz) {
        ritzValues.add(ritz.clone());
        if (explain != null) explain.onStep(j, alpha, beta, ritz);
    }

    @Override
    public void onSample(int n, double sample, double mean, double standardError) {
        hutchinson.add(new double[]{n, sample, mean, standardError});
        if (explain != null) explain.onSample(n, sample, mean, standardError);
    }

    /** The Ritz values against the step, and Hutchinson's running mean beside {@code exactTrace} when it is not NaN (--dense gave it). */
    void writePlots(Path dir, String label, double exactTrace) {
        RunFolder folder = new RunFolder(dir);
        ConvergencePlots.ritzValues(folder, ritzValues, "Lanczos: Ritz values of T_j (" + label + ")");
        if (!hutchinson.isEmpty()) ConvergencePlots.hutchinson(folder, hutchinson, exactTrace, "Hutchinson: running mean of zᵀAz (" + label + ")");
    }
}
