package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;

import java.util.List;

/**
 * The empirical Fisher, the uncentred second moment of the per-example gradients at the true labels
 * (Kunstner, Balles &amp; Hennig 2019, "Limitations of the empirical Fisher approximation"):
 * <pre>
 *   EF v = (1/N) Σ_n g_n (g_nᵀ v),   g_n = ∇_θ ℓ(z_n, y_n) = J_nᵀ r_n,  r_n = p_n − y_n
 * </pre>
 * The per-example gradients are never formed: g_nᵀ v = r_nᵀ (J_n v), so one JVP gives all N inner
 * products at once and one VJP with u_n = r_n (r_nᵀ J_n v) / N sums the g_n with those weights.
 * Unlike the Fisher it is centred on the data's labels, not the model's, and near a minimum it
 * is small where the model fits, whatever the curvature.
 */
public final class EmpiricalFisherOperator extends LogitSpaceOperator {

    /** EF over the given batches, visited in order; θ must fit the objective's model. */
    public EmpiricalFisherOperator(Objective objective, ParamVector theta, List<Batch> batches) {
        super(Curvature.EMPIRICAL_FISHER, objective, theta, batches);
    }

    /** u = r (rᵀ ż), r = p − y. */
    @Override
    protected void logitSpace(int n, double[] p, float[] y, int yOffset, double[] zDot, double[] u) {
        double[] r = new double[p.length];
        for (int c = 0; c < p.length; c++) r[c] = p[c] - y[yOffset + c];
        addOuter(1, r, zDot, u);
    }
}
