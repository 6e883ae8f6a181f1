package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Backend;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The dominant eigenvalue of a symmetric operator by power iteration on HVPs, stopped on the residual.
 * <pre>
 *  1  v₀ ← random Gaussian vector, normalised
 *  2  for t = 1, 2, …, maxIterations
 *  3      w ← A v_{t−1}                               (one HVP)
 *  4      λ_t ← v_{t−1}ᵀ w / v_{t−1}ᵀ v_{t−1}          (Rayleigh quotient; ‖v_{t−1}‖ = 1 up to rounding)
 *         r_t ← ‖w − λ_t v_{t−1}‖ = √(‖w‖² − λ_t · v_{t−1}ᵀ w)    (residual, from the same dot products)
 *  5      stop when r_t ≤ tol · |λ_t|                  (converged; the pair returned is (λ_t, v_{t−1}), with r_t)
 *  6      v_t ← w / ‖w‖
 * </pre>
 * Converges to the eigenvalue of largest magnitude at the rate |λ₂/λ₁| per step (Golub &amp; Van
 * Loan, §7.3.1). For a loss Hessian near a minimum that is λmax; if a negative eigenvalue is larger
 * in magnitude, it is that one, and the sign of the result says so. Cost: one HVP per step.
 *
 * <p>Why the residual (step 5): for symmetric A and unit v, some eigenvalue λ_j of A lies within
 * r = ‖Av − λv‖ of the Rayleigh quotient λ (the Krylov–Weinstein bound), and with
 * gap = min_{i≠j} |λ_i − λ| the distance to the rest of the spectrum, |λ_j − λ| ≤ r²/gap (Kato–Temple;
 * both in Parlett, The Symmetric Eigenvalue Problem). So r ≤ tol·|λ| certifies λ to a relative
 * tol against some eigenvalue, and to tol²·λ²/gap once the gap is resolved. The older rule, stopping
 * when |λ_t − λ_{t−1}| ≤ tol·|λ_t|, watches λ only: when λ₂ is close to λ₁ the quotient creeps up so
 * slowly that it stops early, a few percent low, with a large residual. The residual shrinks at the
 * rate of the vector, |λ₂/λ₁| per step, where λ's error shrinks at its square, so the same tol
 * takes more steps than the old rule did.
 *
 * <p>Every returned field belongs to one vector: {@code eigenvector} is v_{t−1} of the last step t,
 * the vector whose HVP gave {@code lambda} = λ_t and {@code residual} = r_t, also when the run stops
 * at maxIterations unconverged (the last w is then not normalised into a v_t). The dot products are
 * float64 sums of float32 products, so ‖w‖² − λ·vᵀw keeps its digits; the floor is the float32
 * rounding of w = Av itself, r/|λ| ≈ 1e-7…1e-6, so tolerances below ~1e-6 are not met.
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

    /**
     * What the iteration produced: λ_t, the number t of steps (HVPs), whether r_t ≤ tol·|λ_t| was
     * reached before maxIterations, every λ_t, the vector v_{t−1} the last λ and residual were
     * measured on, and r_t = ‖A v_{t−1} − λ_t v_{t−1}‖.
     */
    public record Result(double lambda, int iterations, boolean converged, double[] rayleighQuotients, ParamVector eigenvector,
                         double residual) {
    }

    /** Receives each step, for a teaching trace. */
    public interface Listener {
        /** Step t's Rayleigh quotient and its relative change |λ_t − λ_{t−1}| / |λ_t| (NaN at t = 1). */
        void onStep(int t, double rayleighQuotient, double relativeChange);

        /** Step t with its residual r_t, the quantity the stopping rule tests; by default forwards to the three-argument form. */
        default void onStep(int t, double rayleighQuotient, double relativeChange, double residual) {
            onStep(t, rayleighQuotient, relativeChange);
        }

        /** Called by {@link #topK} when eigenpair {@code index} (0 = dominant) is done. */
        default void onEigenpair(int index, Result result) {
        }
    }

    /**
     * Power iteration on {@code a} from a Gaussian start drawn from {@code rng}, stopping when
     * r_t ≤ tol·|λ_t| or after {@code maxIterations} HVPs (tol = 0 runs them all, unless v is an exact eigenvector).
     *
     * @throws ArithmeticException naming the step when an HVP is not finite
     */
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
            double norm = Math.sqrt(ww);
            if (!Double.isFinite(next) || !Double.isFinite(norm)) {
                throw new ArithmeticException("power iteration: step " + t + " gave a non-finite HVP (Rayleigh quotient " + next + ")");
            }
            residual = Math.sqrt(Math.max(0, ww - next * vw));                          // rounding can take r² a hair below 0
            double change = Math.abs(next - lambda) / Math.abs(next);
            history.add(next);
            if (listener != null) listener.onStep(t, next, t == 1 ? Double.NaN : change, residual);
            lambda = next;
            if (residual <= tol * Math.abs(lambda)) {                                   // 5; w = 0 (v in the null space) lands here too
                converged = true;
                break;
            }
            if (t == maxIterations) break;                                              // keep v_{t−1}, the vector r_t measured
            v.copyFrom(w);                                                              // 6
            v.scal(1 / norm);
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
