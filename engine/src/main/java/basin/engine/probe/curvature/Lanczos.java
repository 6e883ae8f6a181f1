package basin.engine.probe.curvature;

import basin.engine.linalg.OrthonormalBasis;
import basin.engine.linalg.ParamVector;
import basin.engine.probe.MemoryGuard;

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
 *  6      w ← w − Q_j (Q_jᵀ w),  Q_j = [q₁ … q_j]       (full re-orthogonalisation; once more if ‖w‖ fell below 1/√2 of its value)
 *  7      β_j ← ‖w‖
 *  8      if β_j ≈ 0: the Krylov space is invariant under H; stop, the Ritz values are exact
 *  9      q_{j+1} ← w / β_j
 * 10  T_m = tridiag(β, α, β) = Y diag(θ) Yᵀ (EJML);  Ritz values θ_i,  Ritz vectors x_i = Q_m y_i
 * </pre>
 * <p><b>Why re-orthogonalise, and what it costs.</b> In exact arithmetic the three-term recurrence
 * alone keeps the q_j orthogonal. In floating point, as soon as a Ritz value converges the new q_j
 * regain a component along its Ritz vector (Paige 1971), the process finds that eigenvalue again,
 * and T acquires "ghost" copies of it that are not eigenvalues of H with that multiplicity. Step 6
 * removes those components. It needs every q_i kept (O(m p) memory, one [m, p] block allocated at
 * the start, {@link OrthonormalBasis}) and step j costs about 4jp extra flops, so m steps cost
 * O(m² p) on top of the m HVPs; for m ≪ p and a Hessian whose HVP costs many passes over the data,
 * that is a small price.
 *
 * <p><b>Why classical Gram–Schmidt, once, is enough here.</b> Step 6 is done as classical
 * Gram–Schmidt, h = Q_jᵀw and w ← w − Q_j h: two matrix–vector products that read the block once
 * each, instead of a dot and an axpy per stored vector; on a GPU two scalars come back per step
 * instead of j. Classical Gram–Schmidt loses orthogonality in proportion to the cancellation in w
 * (Giraud, Langou, Rozložník &amp; van den Eshof 2005), and Lanczos's w has little left to cancel:
 * step 5 has removed its large components along q_j and q_{j−1}, and the rest are rounding, about
 * u·‖H‖ (u = 6e-8), against ‖w‖ = β_j ≥ 1e-5·‖T‖ while the run goes on. So one pass leaves q_{j+1}
 * orthogonal to Q_j to working precision (measured: ‖Q_mᵀQ_m − I‖_max about 2u on clustered,
 * graded and indefinite spectra, up to m = p). The criterion of Daniel, Gragg, Kaufman &amp;
 * Stewart (1976) still runs a second pass when the first cancelled more than half of ‖w‖², which
 * makes the pair CGS2, orthogonal to working precision however much cancelled. Vectors are
 * float32; α, β and the norms are float64 dot products.
 *
 * <p>The residual of a Ritz pair is known without another HVP: ‖H x_i − θ_i x_i‖ = β_m |e_mᵀ y_i|.
 */
public final class Lanczos {
    /** β below this multiple of ‖T‖ is float32 rounding noise, not a direction: the Krylov space is exhausted. */
    static final double BREAKDOWN = 1e-5;

    /**
     * Ritz values this close to θ₁ (relative) count as copies of it in {@link Result#copiesOfTop}: far
     * below the gap to λ₂ of a network's Hessian, far above float32 noise on T.
     */
    public static final double GHOST_TOLERANCE = 1e-4;

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

        /**
         * ‖H x_i − θ_i x_i‖ measured, at the cost of one HVP: unlike {@link #residualBound}, it includes
         * the float32 rounding of the vectors and of H, so it does not fall below ~1e-7·‖H‖.
         */
        public double residual(LinearOperator h, int i) {
            ParamVector x = ritzVector(i);
            ParamVector r = h.apply(x);
            r.axpy(-eigen.values()[i], x);
            return r.norm();
        }

        /**
         * How many Ritz values lie within {@code relativeTolerance}·|θ₁| of θ₁, θ₁ itself included: 1 for a
         * simple λmax with re-orthogonalisation; without it, ghost copies of a converged λmax add to the count.
         */
        public int copiesOfTop(double relativeTolerance) {
            double[] theta = eigen.values();
            int copies = 0;
            for (double t : theta) if (Math.abs(t - theta[0]) <= relativeTolerance * Math.abs(theta[0])) copies++;
            return copies;
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
        if (reorthogonalise) {
            MemoryGuard.require(h.backend(), "lanczos: " + m + " steps on " + h.dim() + " parameters keep the basis Q_m, "
                    + m + " vectors of p float32", MemoryGuard.floats(m, h.dim()), "--lanczos-steps");
        }

        double[] alpha = new double[m], beta = new double[m];
        OrthonormalBasis basis = reorthogonalise ? OrthonormalBasis.allocate(h.backend(), h.layout(), m) : null;
        ParamVector q = reorthogonalise ? basis.append(start, 1 / startNorm) : start.scaled(1 / startNorm);   // 1
        ParamVector qPrevious = null;
        ParamVector w = q.zerosLike();
        double scale = 0;                                                 // running estimate of ‖T‖, for the breakdown test
        int steps = 0;
        boolean invariant = false;
        for (int j = 0; j < m; j++) {                                     // 2
            h.apply(q, w);                                                // 3
            alpha[j] = q.dot(w);                                          // 4
            w.axpy(-alpha[j], q);                                         // 5
            if (j > 0) w.axpy(-beta[j - 1], qPrevious);
            beta[j] = reorthogonalise ? basis.orthogonalise(w) : w.norm();   // 6, 7
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
            ParamVector next = reorthogonalise ? basis.append(w, 1 / beta[j]) : swapIn(qPrevious, w, beta[j]);  // 9
            qPrevious = q;
            q = next;
        }
        double[] a = Arrays.copyOf(alpha, steps), b = Arrays.copyOf(beta, steps - 1);
        return new Result(a, b, beta[steps - 1], TridiagonalEigen.of(a, b),                // 10
                reorthogonalise ? basis.vectors() : null, invariant, reorthogonalise);
    }

    /**
     * w ← (I − Q Qᵀ) w for an orthonormal {@code basis} held as separate vectors (step 6 outside a
     * run): they are copied into one block first, then {@link OrthonormalBasis#orthogonalise} runs
     * its classical Gram–Schmidt pass, and a second one when the first cancelled most of w. Returns
     * ‖w‖ afterwards.
     */
    public static double reorthogonalise(ParamVector w, List<ParamVector> basis) {
        if (basis.isEmpty()) return w.norm();
        OrthonormalBasis q = OrthonormalBasis.allocate(w.backend(), w.layout(), basis.size());
        for (ParamVector qi : basis) q.append(qi, 1);
        return q.orthogonalise(w);
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
