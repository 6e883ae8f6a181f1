package basin.engine.probe.curvature;

/**
 * The effective rank of a symmetric matrix (Roy &amp; Vetterli 2007), the exponential of the entropy of
 * its normalised absolute spectrum:
 * <pre>
 *   erank(H) = exp(−Σ_i p_i log p_i),   p_i = |λ_i| / Σ_j |λ_j|       (0 log 0 = 0)
 * </pre>
 * It is p for H = I, r for a rank-r projector, and close to 1 when one eigenvalue dominates.
 * Absolute values, because a loss Hessian away from a minimum has negative eigenvalues that carry
 * curvature just as the positive ones do.
 */
public final class EffectiveRank {
    private EffectiveRank() {
    }

    /** erank from a complete list of eigenvalues, each counted once (for a matrix small enough to decompose). */
    public static double ofEigenvalues(double[] lambda) {
        if (lambda.length == 0) throw new IllegalArgumentException("effective rank: no eigenvalues");
        double total = 0;
        for (double l : lambda) total += Math.abs(l);
        if (!(total > 0)) throw new IllegalArgumentException("effective rank: all eigenvalues are zero or not finite (Σ|λ| = " + total + ")");
        double entropy = 0;
        for (double l : lambda) {
            double p = Math.abs(l) / total;
            if (p > 0) entropy -= p * Math.log(p);
        }
        return Math.exp(entropy);
    }

    /**
     * erank from the spectrum that stochastic Lanczos quadrature estimates: a node θ of weight τ
     * stands for p·τ eigenvalues equal to θ. With S = Σ|λ| ≈ p·E[Σ_k τ_k |θ_k|] and
     * Σ|λ| log|λ| ≈ p·E[Σ_k τ_k |θ_k| log|θ_k|] (each a trace tr f(H), which SLQ estimates), the entropy is
     * −Σ p_i log p_i = log S − (1/S) Σ|λ_i| log|λ_i|. The broadening σ plays no part.
     */
    public static double ofDensity(SpectralDensity.Result density) {
        int p = density.dimension();
        double absolute = 0, absoluteLog = 0;
        for (SpectralDensity.Quadrature q : density.starts()) {
            for (int k = 0; k < q.nodes().length; k++) {
                double a = Math.abs(q.nodes()[k]);
                absolute += q.weights()[k] * a;
                if (a > 0) absoluteLog += q.weights()[k] * a * Math.log(a);
            }
        }
        int n = density.starts().size();
        double total = p * absolute / n, totalLog = p * absoluteLog / n;
        if (!(total > 0)) throw new IllegalArgumentException("effective rank: the estimated spectrum is zero (Σ|λ| = " + total + ")");
        return Math.exp(Math.log(total) - totalLog / total);
    }
}
