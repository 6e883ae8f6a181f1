package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The dominant eigenvalue of a symmetric operator by power iteration on HVPs.
 * <pre>
 *  1  v₀ ← random Gaussian vector, normalised
 *  2  for t = 1, 2, …, maxIterations
 *  3      w ← A v_{t−1}                               (one HVP)
 *  4      λ_t ← v_{t−1}ᵀ w / v_{t−1}ᵀ v_{t−1}          (Rayleigh quotient; ‖v_{t−1}‖ = 1 up to rounding)
 *         r_t ← ‖w − λ_t v_{t−1}‖ = √(‖w‖² − λ_t · v_{t−1}ᵀ w)    (residual, from the same dot products)
 *  5      v_t ← w / ‖w‖
 *  6      stop when |λ_t − λ_{t−1}| ≤ tol · |λ_t|
 * </pre>
 * Converges to the eigenvalue of largest magnitude at the rate |λ₂/λ₁| per step (Golub &amp; Van
 * Loan, §7.3.1). For a loss Hessian near a minimum that is λmax; if a negative eigenvalue is larger
 * in magnitude, it is that one, and the sign of the result says so. Cost: one HVP per step.
 * In float32 the Rayleigh quotient jitters at ~1e-7 relative, so tolerances below ~1e-6 are not met.
 *
 * <p>The stopping rule of step 6 watches λ only, and when λ₂ is close to λ₁ the quotient creeps up
 * so slowly that it stops early, a few percent low. The residual says how far the pair is from an
 * eigenpair: some eigenvalue of A lies within r_t of λ_t (A symmetric), whatever the rule decided.
 * The dot products are float64 sums of float32 products, so ‖w‖² − λ·vᵀw keeps its digits.
 *
 * <p>{@link #topK} finds the next eigenvalues by Hotelling's deflation (Saad, Numerical Methods for
 * Large Eigenvalue Problems, §4.2): once (λ₁, u₁) is found, power iteration runs on
 * A₂ = A − λ₁ u₁u₁ᵀ, whose dominant eigenvalue is λ₂, and so on. An error δ in u₁ moves the other
 * eigenvalues only by O(λ₁‖δ‖²), because u_iᵀ(u₁δᵀ + δu₁ᵀ)u_i = 0 for i ≠ 1. Unlike a single Lanczos
 * run, deflation sees a repeated eigenvalue as many times as it is repeated.
 */
public final class PowerIteration {
    private PowerIteration() {
    }

    /** What the iteration produced: the estimate, its history, and whether it met the tolerance. */
    public record Result(double lambda, int iterations, boolean converged, double[] rayleighQuotients, ParamVector eigenvector,
                         double residual) {
    }

    /** Receives each step, for a teaching trace. */
    public interface Listener {
        void onStep(int t, double rayleighQuotient, double relativeChange);

        /** Called by {@link #topK} when eigenpair {@code index} (0 = dominant) is done. */
        default void onEigenpair(int index, Result result) {
        }
    }

    public static Result run(LinearOperator a, int maxIterations, double tol, SplittableRandom rng, Listener listener) {
        if (maxIterations < 1) throw new IllegalArgumentException("power iteration: maxIterations must be ≥ 1, got " + maxIterations);
        ParamVector v = ParamVector.gaussian(a.backend(), a.layout(), rng);  // 1
        v.scal(1 / v.norm());
        ParamVector w = v.zerosLike();
        List<Double> history = new ArrayList<>();
        double lambda = Double.NaN, residual = Double.NaN;
        boolean converged = false;
        int t = 0;
        while (t < maxIterations) {                                                     // 2
            t++;
            a.apply(v, w);                                                              // 3
            double vw = v.dot(w), ww = w.dot(w);
            double next = vw / v.dot(v);                                                // 4
            residual = Math.sqrt(Math.max(0, ww - next * vw));
            double norm = Math.sqrt(ww);
            if (!Double.isFinite(next) || !Double.isFinite(norm)) {
                throw new ArithmeticException("power iteration: step " + t + " gave a non-finite HVP (Rayleigh quotient " + next + ")");
            }
            double change = Math.abs(next - lambda) / Math.abs(next);
            history.add(next);
            if (listener != null) listener.onStep(t, next, t == 1 ? Double.NaN : change);
            lambda = next;
            if (norm == 0) {                                                            // v in the null space: λ = 0 exactly
                converged = true;
                break;
            }
            v.copyFrom(w);                                                              // 5
            v.scal(1 / norm);
            if (t > 1 && change <= tol) {                                               // 6
                converged = true;
                break;
            }
        }
        double[] rq = history.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(lambda, t, converged, rq, v, residual);
    }

    /**
     * The k eigenvalues of largest magnitude, in the order found (|λ₁| ≥ |λ₂| ≥ …), by power iteration
     * on successively deflated operators A_i = A − Σ_{l<i} λ_l u_l u_lᵀ. Each result carries its own
     * history and converged flag; every power step of every pair costs one HVP of A.
     */
    public static List<Result> topK(LinearOperator a, int k, int maxIterations, double tol, SplittableRandom rng, Listener listener) {
        if (k < 1 || k > a.dim()) throw new IllegalArgumentException("power iteration: k must be in [1, " + a.dim() + "], got " + k);
        List<Result> found = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Result r = run(new Deflated(a, List.copyOf(found)), maxIterations, tol, rng, listener);
            found.add(r);
            if (listener != null) listener.onEigenpair(i, r);
        }
        return found;
    }

    /** A − Σ λ_l u_l u_lᵀ: the operator with the found eigenpairs moved to zero. */
    private static final class Deflated implements LinearOperator {
        private final LinearOperator a;
        private final List<Result> found;

        Deflated(LinearOperator a, List<Result> found) {
            this.a = a;
            this.found = found;
        }

        @Override
        public ParamLayout layout() {
            return a.layout();
        }

        @Override
        public Backend backend() {
            return a.backend();
        }

        @Override
        public void apply(ParamVector v, ParamVector out) {
            a.apply(v, out);
            for (Result r : found) out.axpy(-r.lambda() * r.eigenvector().dot(v), r.eigenvector());
        }
    }
}
