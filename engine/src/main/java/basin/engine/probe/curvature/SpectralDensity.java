package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The spectral density φ(t) = (1/p) Σ_i δ(t − λ_i) of H by stochastic Lanczos quadrature (Ubaru,
 * Chen &amp; Saad 2017, "Fast estimation of tr(f(A)) via stochastic Lanczos quadrature"; Lin, Saad &amp;
 * Yang 2016; Ghorbani, Krishnan &amp; Xiao 2019 for Hessians):
 * <pre>
 *  1  for l = 1, …, n_v
 *  2      v_l ← Rademacher vector / √p                  (unit norm; E[v vᵀ] = I/p)
 *  3      T_l ← m Lanczos steps from v_l;   T_l = Y diag(θ) Yᵀ
 *  4      nodes θ_k^(l), weights τ_k^(l) = (e₁ᵀ y_k)²   (Gauss quadrature for the measure v_lᵀ δ(t − H) v_l)
 *  5  φ(t) ≈ (1/n_v) Σ_l Σ_k τ_k^(l) g_σ(t − θ_k^(l)),   g_σ the N(0, σ²) density
 * </pre>
 * Why it works: v_lᵀ f(H) v_l = Σ_i (u_iᵀ v_l)² f(λ_i) is an integral against a measure whose m-point
 * Gauss rule is exactly (θ_k, τ_k), exact for polynomials f of degree ≤ 2m − 1; averaging over random
 * v_l gives tr(f(H))/p in expectation. The weights of each start sum to 1 (the first row of the
 * orthogonal Y), so φ integrates to 1, and its moments are Σ τ θ = v_lᵀHv_l and Σ τ θ² = ‖Hv_l‖²,
 * unbiased for tr(H)/p and tr(H²)/p. The broadening σ turns the atoms into a smooth curve; it adds σ²
 * to the second moment of the curve but leaves the raw nodes and weights as they are.
 */
public final class SpectralDensity {
    private SpectralDensity() {
    }

    /** The Gauss quadrature from one start vector: nodes θ_k (the Ritz values) and weights τ_k, Σ τ_k = 1. */
    public record Quadrature(double[] nodes, double[] weights) {
        /** Σ_k τ_k θ_kʳ, the quadrature's estimate of vᵀHʳv. */
        public double moment(int r) {
            double s = 0;
            for (int k = 0; k < nodes.length; k++) s += weights[k] * Math.pow(nodes[k], r);
            return s;
        }

        /** The quadrature of Lanczos run: nodes = Ritz values, weights = squared first components of T's eigenvectors. */
        public static Quadrature of(Lanczos.Result lanczos) {
            TridiagonalEigen e = lanczos.eigen();
            double[] weights = new double[e.size()];
            for (int k = 0; k < weights.length; k++) weights[k] = e.vectors()[k][0] * e.vectors()[k][0];
            return new Quadrature(e.values().clone(), weights);
        }
    }

    /** Receives each start's quadrature, for a teaching trace. */
    public interface Listener {
        void onStart(int l, Quadrature quadrature);
    }

    /**
     * @param dimension p, the dimension of H (a node of weight τ stands for p·τ eigenvalues)
     * @param starts    the quadrature of every start vector
     * @param sigma     the Gaussian broadening σ
     * @param grid      the points t at which φ was evaluated, ascending and evenly spaced
     * @param density   φ(t) on the grid
     */
    public record Result(int dimension, List<Quadrature> starts, double sigma, double[] grid, double[] density) {

        /** (1/n_v) Σ_l Σ_k τ θʳ: the estimate of tr(Hʳ)/p from the raw nodes and weights. */
        public double moment(int r) {
            double s = 0;
            for (Quadrature q : starts) s += q.moment(r);
            return s / starts.size();
        }

        /** The standard error of {@link #moment} over the starts (NaN for one start). */
        public double momentStandardError(int r) {
            int n = starts.size();
            if (n < 2) return Double.NaN;
            double mean = moment(r), ss = 0;
            for (Quadrature q : starts) ss += (q.moment(r) - mean) * (q.moment(r) - mean);
            return Math.sqrt(ss / (n - 1) / n);
        }

        /** ∫ φ(t) dt over the grid by the trapezoid rule; 1 up to the grid's resolution. */
        public double integral() {
            double h = grid.length > 1 ? grid[1] - grid[0] : 0, s = 0;
            for (int i = 0; i + 1 < grid.length; i++) s += 0.5 * h * (density[i] + density[i + 1]);
            return s;
        }
    }

    /**
     * n_v starts of m Lanczos steps each (n_v·m HVPs), φ on {@code gridPoints} points.
     *
     * @param sigma the broadening; NaN picks 1% of the spread of the nodes
     */
    public static Result estimate(LinearOperator h, int starts, int m, double sigma, int gridPoints, SplittableRandom rng, Listener listener) {
        if (starts < 1) throw new IllegalArgumentException("slq: at least one start vector is needed, got " + starts);
        List<Lanczos.Result> runs = new ArrayList<>();
        for (int l = 0; l < starts; l++) {
            ParamVector v = ParamVector.rademacher(h.backend(), h.layout(), rng);   // 2 (Lanczos normalises it)
            Lanczos.Result t = Lanczos.run(h, v, m, true, null);                     // 3
            runs.add(t);
            if (listener != null) listener.onStart(l + 1, Quadrature.of(t));
        }
        return fromLanczos(h.dim(), runs, sigma, gridPoints);
    }

    /**
     * The density from Lanczos runs already made, each from a random unit start vector with
     * E[vvᵀ] = I/p (Rademacher or Gaussian); a single top-k run therefore also gives a (one-sample)
     * density.
     */
    public static Result fromLanczos(int dimension, List<Lanczos.Result> runs, double sigma, int gridPoints) {
        if (runs.isEmpty()) throw new IllegalArgumentException("slq: no Lanczos runs");
        if (gridPoints < 2) throw new IllegalArgumentException("slq: the grid needs at least 2 points, got " + gridPoints);
        List<Quadrature> starts = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Lanczos.Result r : runs) {
            Quadrature q = Quadrature.of(r);                                          // 4
            starts.add(q);
            for (double t : q.nodes()) {
                lo = Math.min(lo, t);
                hi = Math.max(hi, t);
            }
        }
        if (Double.isNaN(sigma)) sigma = automaticSigma(lo, hi);
        if (!(sigma > 0)) throw new IllegalArgumentException("slq: the broadening σ must be positive, got " + sigma);
        double[] grid = new double[gridPoints], density = new double[gridPoints];
        double from = lo - 6 * sigma, step = (hi - lo + 12 * sigma) / (gridPoints - 1);   // ±6σ keeps all but ~2e-9 of each atom's mass
        for (int i = 0; i < gridPoints; i++) grid[i] = from + i * step;
        double norm = 1 / (starts.size() * sigma * Math.sqrt(2 * Math.PI));
        for (Quadrature q : starts) {                                                  // 5
            for (int k = 0; k < q.nodes().length; k++) {
                for (int i = 0; i < gridPoints; i++) {
                    double z = (grid[i] - q.nodes()[k]) / sigma;
                    density[i] += q.weights()[k] * norm * Math.exp(-0.5 * z * z);
                }
            }
        }
        return new Result(dimension, List.copyOf(starts), sigma, grid, density);
    }

    /** 1% of the spread of the nodes (or of their size, when they coincide): narrow enough to separate outliers from the bulk. */
    static double automaticSigma(double lo, double hi) {
        double spread = hi - lo;
        if (spread > 0) return 0.01 * spread;
        double size = Math.max(Math.abs(lo), Math.abs(hi));
        return size > 0 ? 0.01 * size : 1e-3;
    }
}
