package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;

import java.util.List;

/**
 * The generalised Gauss–Newton matrix of the mean cross-entropy (Schraudolph 2002; Martens 2020, §8):
 * <pre>
 *   G v = Jᵀ H_ℓ J v,   H_ℓ = ∇²_z L = blockdiag_n (diag p_n − p_n p_nᵀ) / N
 * </pre>
 * the Hessian with the term that carries the network's own second derivatives dropped,
 * H = G + (1/N) Σ_n Σ_c (p_nc − y_nc) ∇²z_nc. G is positive semi-definite (H_ℓ is: it is the
 * covariance of the one-hot label under p), and G = H wherever z is linear in θ. Cost per product:
 * one JVP and one VJP over the data, about the cost of an HVP without its dual-number reverse sweep.
 */
public final class GaussNewtonOperator extends LogitSpaceOperator {

    /** G over the given batches, visited in order; θ must fit the objective's model. */
    public GaussNewtonOperator(Objective objective, ParamVector theta, List<Batch> batches) {
        super(Curvature.GGN, objective, theta, batches);
    }

    /** u = (diag p − ppᵀ) ż = p ⊙ ż − p (pᵀż). */
    @Override
    protected void logitSpace(int n, double[] p, float[] y, int yOffset, double[] zDot, double[] u) {
        double pz = 0;
        for (int c = 0; c < p.length; c++) pz += p[c] * zDot[c];
        for (int c = 0; c < p.length; c++) u[c] = p[c] * (zDot[c] - pz);
    }
}
