package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.MemoryGuard;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.LinearOperator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Curvature over a 2D slice, loss-landscape's eigenvalue-ratio maps (Li et al. 2018, §7): at every
 * grid point θ' = θ + α_i d₁ + β_j d₂, beside L(θ') and the accuracy,
 * <pre>
 *   T = m Lanczos steps on ∇²L(θ')         λmax = θ₁(T),   λmin = θ_m(T),   ratio = |λmin / λmax|
 * </pre>
 * with each extreme Ritz value's residual bound β_m|e_mᵀy| (an eigenvalue of ∇²L(θ') lies within it).
 * A ratio near 0 means locally convex (no sizeable negative curvature), near 1 that the negative
 * curvature is as strong as the positive. Every point starts Lanczos from the same vector, drawn from
 * {@code seed}, so the map adds no start-to-start noise between points and the value at the centre
 * (α, β) = (0, 0) is what {@code probe hessian --lanczos-steps m --seed S} gives at θ.
 *
 * <p>Points go to the {@link GridLog} with the four numbers as extra fields ({@code lambda_max},
 * {@code lambda_min}, {@code lambda_max_residual}, {@code lambda_min_residual}); a resumed point must
 * carry all four, else it is measured again.
 */
public final class CurvatureMap {
    /** The names of a point's extra fields in a grid file. */
    public static final List<String> FIELDS = List.of("lambda_max", "lambda_min", "lambda_max_residual", "lambda_min_residual");

    private CurvatureMap() {
    }

    /** The Hessian (or another curvature matrix) of the same loss at a point θ'. */
    public interface OperatorAt {
        LinearOperator at(ParamVector point);
    }

    /**
     * The slice and, at entry {@code i·n + j} of each array, the curvature at (α_i, β_j).
     *
     * @param steps the Lanczos steps per point (fewer at a point whose Krylov space ran out)
     */
    public record Result(Slice.Result slice, double[] lambdaMax, double[] lambdaMin, double[] lambdaMaxResidual,
                         double[] lambdaMinResidual, int steps) {
        /** |λmin / λmax| at each point. */
        public double[] ratio() {
            double[] r = new double[lambdaMax.length];
            for (int k = 0; k < r.length; k++) r[k] = Math.abs(lambdaMin[k] / lambdaMax[k]);
            return r;
        }

        /** One of the arrays as rows, one per α (as {@link Slice.Result#lossRows}). */
        public double[][] rows(double[] values) {
            int n = slice.betas().length;
            double[][] r = new double[slice.alphas().length][n];
            for (int i = 0; i < r.length; i++) System.arraycopy(values, i * n, r[i], 0, n);
            return r;
        }
    }

    /** The loss, accuracy and curvature over the plane θ + αd₁ + βd₂, α outer, with m Lanczos steps per point. */
    public static Result plane(LossSurface f, OperatorAt curvature, ParamVector theta, ParamVector d1, ParamVector d2,
                               double[] alphas, double[] betas, int m, long seed, int threads, GridLog log) {
        Directions.requireSameLayout(theta.layout(), d1.layout(), "parameters", "direction d1");
        Directions.requireSameLayout(theta.layout(), d2.layout(), "parameters", "direction d2");
        if (m < 2) throw new IllegalArgumentException("curvature map: need m ≥ 2 Lanczos steps for λmax and λmin, got " + m);
        if (threads < 1) throw new IllegalArgumentException("curvature map: threads must be ≥ 1, got " + threads);
        int n = betas.length, points = alphas.length * n, steps = Math.min(m, theta.dim());
        double[] losses = new double[points], accuracies = new double[points];
        double[][] values = new double[FIELDS.size()][points];          // λmax, λmin and their residuals
        boolean[] have = new boolean[points];
        int resumed = 0;
        Map<Integer, Map<String, Double>> extras = log.extras();
        for (Map.Entry<Integer, LossSurface.Measurement> e : log.completed().entrySet()) {
            int i = e.getKey();
            Map<String, Double> x = extras.get(i);
            if (i < 0 || i >= points || x == null || !x.keySet().containsAll(FIELDS)) continue;   // a plain slice's point: measure again
            losses[i] = e.getValue().loss();
            accuracies[i] = e.getValue().accuracy();
            for (int q = 0; q < FIELDS.size(); q++) values[q][i] = x.get(FIELDS.get(q));
            have[i] = true;
            resumed++;
        }
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < points; i++) if (!have[i]) todo.add(i);

        AtomicInteger next = new AtomicInteger(), taken = new AtomicInteger(steps);
        Runnable worker = () -> {
            ParamVector point = theta.copy();
            try {
                for (int k = next.getAndIncrement(); k < todo.size(); k = next.getAndIncrement()) {
                    int index = todo.get(k);
                    double alpha = alphas[index / n], beta = betas[index % n];
                    point.copyFrom(theta);
                    point.axpy(alpha, d1);
                    point.axpy(beta, d2);
                    LossSurface.Measurement measured = f.measure(point);
                    Lanczos.Result lanczos = Lanczos.run(curvature.at(point), steps, new SplittableRandom(seed), null);
                    int last = lanczos.steps() - 1;
                    double[] ritz = lanczos.ritzValues();
                    double[] at = {ritz[0], ritz[last], lanczos.residualBound(0), lanczos.residualBound(last)};
                    losses[index] = measured.loss();
                    accuracies[index] = measured.accuracy();
                    Map<String, Double> extra = new LinkedHashMap<>();
                    for (int q = 0; q < FIELDS.size(); q++) {
                        values[q][index] = at[q];
                        extra.put(FIELDS.get(q), at[q]);
                    }
                    taken.accumulateAndGet(lanczos.steps(), Math::min);
                    log.record(index, alpha, beta, measured, extra);
                }
            } catch (RuntimeException | Error e) {
                next.set(todo.size());
                throw e;
            }
        };
        int workers = Math.min(threads, Math.max(1, todo.size()));
        // Each thread: its θ', the m Lanczos vectors and a few work vectors of the HVP.
        MemoryGuard.require(theta.backend(), "curvature map: " + workers + " threads each hold θ' and " + steps + " Lanczos vectors of "
                + theta.dim() + " float32", MemoryGuard.floats(workers, (long) (steps + 4) * theta.dim()), "--threads or --curvature-steps");
        Slice.runOn(workers, worker);
        Slice.Result slice = new Slice.Result(alphas.clone(), betas.clone(), losses, accuracies, resumed);
        return new Result(slice, values[0], values[1], values[2], values[3], taken.get());
    }
}
