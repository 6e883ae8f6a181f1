package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;

import java.util.List;

/**
 * The Fisher information of the model's predictive distribution p(y | x_n, θ) = softmax(z_n)_y,
 * averaged over the N inputs (Amari 1998; Martens 2020, §5):
 * <pre>
 *   F v = (1/N) Σ_n E_{y~p_n}[ g_n(y) g_n(y)ᵀ ] v,   g_n(y) = ∇_θ(−log p_n(y)) = J_nᵀ (p_n − e_y)
 *       = (1/N) Σ_n J_nᵀ ( Σ_c p_nc (p_n − e_c)(p_n − e_c)ᵀ ) J_n v
 * </pre>
 * The expectation is taken exactly, as a sum over the C labels in logit space. For softmax
 * cross-entropy it equals the generalised Gauss–Newton matrix, Σ_c p_c (p − e_c)(p − e_c)ᵀ =
 * diag p − ppᵀ; this class computes it the Fisher's way, so that the identity is a test rather than
 * a definition. O(C²) host work per example on top of one JVP and one VJP.
 */
public final class FisherOperator extends LogitSpaceOperator {

    /** F over the given batches, visited in order; θ must fit the objective's model. */
    public FisherOperator(Objective objective, ParamVector theta, List<Batch> batches) {
        super(Curvature.FISHER, objective, theta, batches);
    }

    /** u = Σ_c p_c r_c (r_cᵀ ż), r_c = p − e_c. */
    @Override
    protected void logitSpace(int n, double[] p, float[] y, int yOffset, double[] zDot, double[] u) {
        double[] r = new double[p.length];
        for (int c = 0; c < p.length; c++) {
            logitGradient(p, c, r);
            addOuter(p[c], r, zDot, u);
        }
    }
}
