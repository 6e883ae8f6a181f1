package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The dominant eigenvalue of a symmetric operator by power iteration on HVPs.
 * <pre>
 *  1  v₀ ← random Gaussian vector, normalised
 *  2  for t = 1, 2, …, maxIterations
 *  3      w ← A v_{t−1}                               (one HVP)
 *  4      λ_t ← v_{t−1}ᵀ w                            (Rayleigh quotient, ‖v_{t−1}‖ = 1)
 *  5      v_t ← w / ‖w‖
 *  6      stop when |λ_t − λ_{t−1}| ≤ tol · |λ_t|
 * </pre>
 * Converges to the eigenvalue of largest magnitude at the rate |λ₂/λ₁| per step (Golub &amp; Van
 * Loan, §7.3.1). For a loss Hessian near a minimum that is λmax; if a negative eigenvalue is larger
 * in magnitude, it is that one, and the sign of the result says so. Cost: one HVP per step.
 * In float32 the Rayleigh quotient jitters at ~1e-7 relative, so tolerances below ~1e-6 are not met.
 */
public final class PowerIteration {
    private PowerIteration() {
    }

    /** What the iteration produced: the estimate, its history, and whether it met the tolerance. */
    public record Result(double lambda, int iterations, boolean converged, double[] rayleighQuotients, ParamVector eigenvector) {
    }

    /** Receives each step, for a teaching trace. */
    public interface Listener {
        void onStep(int t, double rayleighQuotient, double relativeChange);
    }

    public static Result run(LinearOperator a, int maxIterations, double tol, SplittableRandom rng, Listener listener) {
        if (maxIterations < 1) throw new IllegalArgumentException("power iteration: maxIterations must be ≥ 1, got " + maxIterations);
        ParamVector v = ParamVector.gaussian(a.backend(), a.layout(), rng);  // 1
        v.scal(1 / v.norm());
        ParamVector w = v.zerosLike();
        List<Double> history = new ArrayList<>();
        double lambda = Double.NaN;
        boolean converged = false;
        int t = 0;
        while (t < maxIterations) {                                                     // 2
            t++;
            a.apply(v, w);                                                              // 3
            double next = v.dot(w);                                                     // 4
            double norm = w.norm();
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
        return new Result(lambda, t, converged, rq, v);
    }
}
