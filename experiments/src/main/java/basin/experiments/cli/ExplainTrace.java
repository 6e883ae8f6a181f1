package basin.experiments.cli;

import basin.engine.probe.curvature.HutchinsonTrace;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.PowerIteration;
import basin.engine.probe.curvature.SpectralDensity;

import java.io.PrintStream;
import java.util.Locale;

/** The teaching trace: every probe's listener, printing one line per step. */
final class ExplainTrace implements Lanczos.Listener, PowerIteration.Listener, HutchinsonTrace.Listener, SpectralDensity.Listener {
    private final PrintStream out;
    private final int shown;

    ExplainTrace(PrintStream out, int topK) {
        this.out = out;
        this.shown = Math.min(topK, 4);
    }

    void section(String title) {
        out.println();
        out.println("── " + title);
    }

    @Override
    public void onStep(int j, double alpha, double beta, double[] ritzValues) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(shown, ritzValues.length); i++) b.append(String.format(Locale.ROOT, " %.6g", ritzValues[i]));
        if (ritzValues.length > shown) b.append(String.format(Locale.ROOT, " … %.6g", ritzValues[ritzValues.length - 1]));
        out.printf(Locale.ROOT, "  j %3d   α = %12.6g   β = %11.4e   Ritz:%s%n", j, alpha, beta, b);
    }

    @Override
    public void onStep(int t, double rayleighQuotient, double relativeChange) {
        out.printf(Locale.ROOT, "  step %3d   vᵀHv = %.8g   relative change %.2e%n", t, rayleighQuotient, relativeChange);
    }

    @Override
    public void onSample(int n, double sample, double mean, double standardError) {
        out.printf(Locale.ROOT, "  z %3d   zᵀHz = %12.6g   mean %12.6g ± %.3g%n", n, sample, mean, standardError);
    }

    @Override
    public void onStart(int l, SpectralDensity.Quadrature q) {
        out.printf(Locale.ROOT, "  start %2d   nodes in [%.4g, %.4g], Σ τθ = %.6g (= vᵀHv)%n", l,
                q.nodes()[q.nodes().length - 1], q.nodes()[0], q.moment(1));
    }
}
