package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Lanczos process with full re-orthogonalisation (Lanczos 1950; Golub &amp; Van Loan, Matrix
 * Computations, §10.1; Ghorbani, Krishnan &amp; Xiao 2019 for Hessians). m HVPs build an orthonormal
 * basis Q_m = [q₁ … q_m] of the Krylov space span{q₁, Hq₁, …, H^{m−1}q₁} in which H is tridiagonal,
 * T_m = Q_mᵀ H Q_m; the eigenvalues of T_m (Ritz values) approximate H's extreme eigenvalues first.
 * <pre>
 *  1  q₁ ← v / ‖v‖,  β₀ ← 0,  q₀ ← 0
 *  2  for j = 1, …, m
 *  3      w ← H q_j                                     (one HVP)
 *  4      α_j ← q_jᵀ w
 *  5      w ← w − α_j q_j − β_{j−1} q_{j−1}            (three-term recurrence)
 *  6      w ← w − Σ_{i ≤ j} (q_iᵀ w) q_i               (full re-orthogonalisation, repeated once if ‖w‖ fell below ‖w‖/√2)
 *  7      β_j ← ‖w‖
 *  8      if β_j ≈ 0: the Krylov space is invariant under H; stop, the Ritz values are exact
 *  9      q_{j+1} ← w / β_j
 * 10  T_m = tridiag(β, α, β) = Y diag(θ) Yᵀ (EJML);  Ritz values θ_i,  Ritz vectors x_i = Q_m y_i
 * </pre>
 * <p><b>Why re-orthogonalise, and what it costs.</b> In exact arithmetic the three-term recurrence
 * alone keeps the q_j orthogonal. In floating point, as soon as a Ritz value converges the new q_j
 * regain a component along its Ritz vector (Paige 1971), the process finds that eigenvalue again,
 * and T acquires "ghost" copies of it that are not eigenvalues of H with that multiplicity. Step 6
 * removes those components. It needs every q_i kept (O(m p) memory) and step j costs about 4jp
 * extra flops (a dot and an axpy per stored vector), so m steps cost O(m² p) on top of the m HVPs;
 * for m ≪ p and a Hessian whose HVP costs many passes over the data, that is a small price.
 * A second pass, by the criterion of Daniel, Gragg, Kaufman &amp; Stewart (1976), runs only when
 * cancellation made the first untrustworthy. Vectors are float32; dot products are float64.
 *
 * <p>The residual of a Ritz pair is known without another HVP: ‖H x_i − θ_i x_i‖ = β_m |e_mᵀ y_i|.
 */
public final class Lanczos {
    /** β below this multiple of ‖T‖ is float32 rounding noise, not a direction: the Krylov space is exhausted. */
    static final double BREAKDOWN = 1e-5;

    private Lanczos() {
    }

    /** Receives each step, for a teaching trace: α_j, β_j and the Ritz values of T_j (descending). */
    public interface Listener {
        void onStep(int j, double alpha, double beta, double[] ritzValues);
    }

    /**
     * What m steps produced.
     *
     * @param alpha             α₁ … α_s, the diagonal of T (s = steps taken)
     * @param beta              β₁ … β_{s−1}, its off-diagonal
     * @param residualNorm      β_s = ‖w‖ after the last step, which bounds every Ritz residual
     * @param eigen             T's eigenpairs, Ritz values descending
     * @param basis             q₁ … q_s when they were kept (full re-orthogonalisation), else null
     * @param invariantSubspace true when β fell to rounding level before m steps (the Ritz values are then eigenvalues of H)
     * @param reorthogonalised  whether step 6 ran
     */
    public record Result(double[] alpha, double[] beta, double residualNorm, TridiagonalEigen eigen, List<ParamVector> basis,
                         boolean invariantSubspace, boolean reorthogonalised) {

        /** s, the number of steps taken (and of HVPs applied). */
        public int steps() {
            return alpha.length;
        }

        /** θ₁ ≥ … ≥ θ_s. */
        public double[] ritzValues() {
            return eigen.values();
        }

        /** The k largest Ritz values, descending (fewer when fewer steps ran). */
        public double[] topK(int k) {
            return Arrays.copyOf(eigen.values(), Math.min(k, steps()));
        }

        /** The k smallest Ritz values, ascending: the most negative eigenvalues' estimates. */
        public double[] mostNegative(int k) {
            double[] v = eigen.values();
            int n = Math.min(k, v.length);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) out[i] = v[v.length - 1 - i];
            return out;
        }

        /** ‖H x_i − θ_i x_i‖ = β_s |y_i[s]| for the i-th Ritz pair (0 = largest), exact in exact arithmetic. */
        public double residualBound(int i) {
            double[] y = eigen.vectors()[i];
            return residualNorm * Math.abs(y[y.length - 1]);
        }

        /** The Ritz vector x_i = Q_s y_i in parameter space (unit norm), for the i-th largest Ritz value. */
        public ParamVector ritzVector(int i) {
            if (basis == null) throw new IllegalStateException("lanczos: Ritz vectors need the basis, kept only with re-orthogonalisation");
            if (i < 0 || i >= steps()) throw new IndexOutOfBoundsException("lanczos: Ritz pair " + i + " of " + steps());
            double[] y = eigen.vectors()[i];
            ParamVector x = basis.get(0).zerosLike();
            for (int j = 0; j < y.length; j++) x.axpy(y[j], basis.get(j));
            x.scal(1 / x.norm());
            return x;
        }
    }

    /** m steps with full re-orthogonalisation from a Gaussian start drawn from {@code rng}. */
    public static Result run(LinearOperator h, int m, SplittableRandom rng, Listener listener) {
        return run(h, ParamVector.gaussian(h.backend(), h.layout(), rng), m, true, listener);
    }

    /**
     * m steps from {@code start} (not modified). With {@code reorthogonalise} false only two vectors
     * are kept and no Ritz vectors can be formed; that mode exists to show why step 6 is needed.
     */
    public static Result run(LinearOperator h, ParamVector start, int m, boolean reorthogonalise, Listener listener) {
        if (m < 1) throw new IllegalArgumentException("lanczos: the number of steps must be ≥ 1, got " + m);
        if (m > h.dim()) throw new IllegalArgumentException("lanczos: " + m + " steps exceed the dimension " + h.dim()
                + "; a Krylov space has at most p dimensions");
        if (start.dim() != h.dim()) throw new IllegalArgumentException("lanczos: start vector of length " + start.dim() + " for an operator of dimension " + h.dim());
        double startNorm = start.norm();
        if (!(startNorm > 0) || !Double.isFinite(startNorm)) throw new IllegalArgumentException("lanczos: start vector has norm " + startNorm);

        double[] alpha = new double[m], beta = new double[m];
        List<ParamVector> basis = new ArrayList<>();
        ParamVector q = start.scaled(1 / startNorm);                     // 1
        ParamVector qPrevious = null;
        ParamVector w = q.zerosLike();
        double scale = 0;                                                 // running estimate of ‖T‖, for the breakdown test
        int steps = 0;
        boolean invariant = false;
        for (int j = 0; j < m; j++) {                                     // 2
            if (reorthogonalise) basis.add(q);
            h.apply(q, w);                                                // 3
            alpha[j] = q.dot(w);                                          // 4
            w.axpy(-alpha[j], q);                                         // 5
            if (j > 0) w.axpy(-beta[j - 1], qPrevious);
            if (reorthogonalise) reorthogonalise(w, basis);               // 6
            beta[j] = w.norm();                                           // 7
            steps = j + 1;
            checkFinite(alpha[j], beta[j], steps);
            if (listener != null) listener.onStep(steps, alpha[j], beta[j], TridiagonalEigen.of(
                    Arrays.copyOf(alpha, steps), Arrays.copyOf(beta, steps - 1)).values());
            scale = Math.max(scale, Math.abs(alpha[j]) + beta[j] + (j > 0 ? beta[j - 1] : 0));
            if (j == m - 1) break;
            if (beta[j] <= BREAKDOWN * scale) {                           // 8
                invariant = true;
                break;
            }
            ParamVector next = reorthogonalise ? w.scaled(1 / beta[j]) : swapIn(qPrevious, w, beta[j]);  // 9
            qPrevious = q;
            q = next;
        }
        double[] a = Arrays.copyOf(alpha, steps), b = Arrays.copyOf(beta, steps - 1);
        return new Result(a, b, beta[steps - 1], TridiagonalEigen.of(a, b),                // 10
                reorthogonalise ? List.copyOf(basis) : null, invariant, reorthogonalise);
    }

    /**
     * w ← (I − Q Qᵀ) w by modified Gram–Schmidt against every q_i of an orthonormal {@code basis}
     * (step 6); repeated once when the norm dropped below 1/√2 of its value (DGKS), since then
     * cancellation left w inaccurate. Cost: 4·|basis|·p flops per pass.
     */
    public static void reorthogonalise(ParamVector w, List<ParamVector> basis) {
        double before = w.norm();
        for (int pass = 0; pass < 2; pass++) {
            for (ParamVector qi : basis) w.axpy(-qi.dot(w), qi);
            double after = w.norm();
            if (after >= before / Math.sqrt(2)) return;
            before = after;
        }
    }

    /** Without re-orthogonalisation only q_{j−1} and q_j are alive: recycle the old q_{j−1} as q_{j+1}. */
    private static ParamVector swapIn(ParamVector recycled, ParamVector w, double beta) {
        ParamVector next = recycled != null ? recycled : w.zerosLike();
        next.copyFrom(w);
        next.scal(1 / beta);
        return next;
    }

    private static void checkFinite(double alpha, double beta, int step) {
        if (!Double.isFinite(alpha) || !Double.isFinite(beta)) {
            throw new ArithmeticException("lanczos: step " + step + " gave α = " + alpha + ", β = " + beta + " (a non-finite HVP)");
        }
    }
}
