package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The curvature of each parameter tensor on its own: for every entry B of θ's layout, the diagonal
 * block A_BB ({@link BlockOperator}), its largest eigenvalue by Lanczos and its trace by Hutchinson.
 * The blocks partition the diagonal, so Σ_B tr(A_BB) = tr(A) exactly, and the estimates add up to an
 * estimate of tr(A) whose variance is the sum of theirs (their vectors are independent).
 */
public final class PerLayerCurvature {

    private PerLayerCurvature() {
    }

    /**
     * One parameter tensor's block.
     *
     * @param name           its state_dict name
     * @param size           p_B, its number of entries
     * @param lambdaMax      the largest Ritz value of Lanczos on A_BB
     * @param lanczosSteps   the steps taken (min(m, p_B), fewer when the Krylov space was exhausted)
     * @param trace          Hutchinson's estimate of tr(A_BB)
     * @param traceStandardError its standard error
     * @param traceSamples   the samples it drew
     */
    public record Row(String name, int size, double lambdaMax, int lanczosSteps, double trace, double traceStandardError, int traceSamples) {
    }

    /** The rows, in layout order, and their traces summed. */
    public record Result(List<Row> rows, double traceSum, double traceSumStandardError) {
    }

    /** Lanczos with m steps and Hutchinson (to {@code traceError}, at most {@code traceSamples}) on every tensor's block, in layout order. */
    public static Result run(CurvatureOperator a, int m, double traceError, int traceSamples, SplittableRandom rng) {
        List<Row> rows = new ArrayList<>();
        double sum = 0, variance = 0;
        for (ParamLayout.Entry e : a.layout().entries()) {
            BlockOperator block = new BlockOperator(a, List.of(e));
            Lanczos.Result lanczos = Lanczos.run(block, Math.min(m, e.size()), rng, null);
            HutchinsonTrace.Result trace = HutchinsonTrace.estimate(block, traceError, traceSamples, rng, null);
            rows.add(new Row(e.name(), e.size(), lanczos.ritzValues()[0], lanczos.steps(), trace.trace(), trace.standardError(), trace.count()));
            sum += trace.trace();
            variance += trace.standardError() * trace.standardError();
        }
        return new Result(List.copyOf(rows), sum, Math.sqrt(variance));
    }
}
