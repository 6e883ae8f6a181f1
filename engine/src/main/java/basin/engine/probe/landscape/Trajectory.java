package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.List;

/**
 * The training trajectory on the landscape (Li et al. 2018, §7, loss-landscape's {@code setup_PCA_directions}):
 * the principal directions of the differences from the final point,
 * <pre>
 *   M = [θ₀ − θ_f; θ₁ − θ_f; …; θ_{K−1} − θ_f]       K × p, one row per checkpoint before the last
 *   M = U Σ Vᵀ        d₁, d₂ = the first two right singular vectors (columns of V)
 *   explained variance of d_i = σ_i² / Σ_j σ_j²       path point k = (⟨m_k, d₁⟩, ⟨m_k, d₂⟩) = (σ₁u₁[k], σ₂u₂[k])
 * </pre>
 * p is large and K small, so the SVD comes from the K × K Gram matrix G = M Mᵀ = U Σ² Uᵀ (EJML's
 * symmetric eigensolver, float64) and d_i = Mᵀu_i/σ_i, a combination of the differences. The rows are
 * not centred (unlike scikit-learn's PCA, which loss-landscape calls): the plane is centred at θ_f, so
 * the final point sits at the origin and each direction's variance is measured about it.
 */
public final class Trajectory {
    private Trajectory() {
    }

    /**
     * The plane of the trajectory.
     *
     * @param d1                  the first principal direction, unit norm
     * @param d2                  the second, unit norm and orthogonal to d1
     * @param singularValues      σ₁ ≥ σ₂ ≥ … of M, all K of them
     * @param explainedVariance   σ₁²/Σσ², σ₂²/Σσ²
     * @param path                the K + 1 checkpoints' coordinates (α, β) in the plane, the final one (0, 0)
     */
    public record Pca(ParamVector d1, ParamVector d2, double[] singularValues, double[] explainedVariance, double[][] path) {
    }

    /**
     * The PCA of θ_k − θ_f over {@code checkpoints} in epoch order, the last being θ_f. Signs are
     * chosen so that the first checkpoint has non-negative coordinates.
     *
     * @throws IllegalArgumentException with fewer than three checkpoints, or when the differences do not span a plane
     */
    public static Pca pca(List<ParamVector> checkpoints) {
        int k = checkpoints.size() - 1;
        if (k < 2) throw new IllegalArgumentException("trajectory: the PCA needs at least 3 checkpoints (2 differences from the last), got " + checkpoints.size());
        ParamVector last = checkpoints.get(k);
        float[] thetaF = last.toHost();
        int p = thetaF.length;
        double[][] m = new double[k][p];
        for (int i = 0; i < k; i++) {
            Directions.requireSameLayout(last.layout(), checkpoints.get(i).layout(), "checkpoint " + k, "checkpoint " + i);
            float[] theta = checkpoints.get(i).toHost();
            for (int j = 0; j < p; j++) m[i][j] = (double) theta[j] - thetaF[j];
        }
        DMatrixRMaj gram = new DMatrixRMaj(k, k);                      // G = M Mᵀ in float64
        for (int a = 0; a < k; a++) {
            for (int b = 0; b <= a; b++) {
                double s = 0;
                for (int j = 0; j < p; j++) s += m[a][j] * m[b][j];
                gram.set(a, b, s);
                gram.set(b, a, s);
            }
        }
        double trace = 0;
        for (int a = 0; a < k; a++) trace += gram.get(a, a);
        if (!(trace > 0)) throw new IllegalArgumentException("trajectory: every checkpoint equals the last; there is no path");

        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, true, true);
        if (!eig.decompose(gram)) throw new IllegalStateException("trajectory: EJML's symmetric eigendecomposition of the " + k + "×" + k + " Gram matrix failed");
        Integer[] order = new Integer[k];                              // EJML's eigenpairs come unsorted
        for (int i = 0; i < k; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Double.compare(eig.getEigenvalue(y).getReal(), eig.getEigenvalue(x).getReal()));
        double[] sigma = new double[k];
        for (int i = 0; i < k; i++) sigma[i] = Math.sqrt(Math.max(0, eig.getEigenvalue(order[i]).getReal()));
        // Rounding leaves a rank-1 path with σ₂ at ~1e-8·σ₁: not a plane.
        if (!(sigma[1] > 1e-6 * sigma[0])) {
            throw new IllegalArgumentException("trajectory: the checkpoints lie on a line through the last (σ₂/σ₁ = " + sigma[1] / sigma[0] + "); no second direction");
        }

        double[][] path = new double[k + 1][2];
        ParamVector[] d = new ParamVector[2];
        for (int c = 0; c < 2; c++) {
            DMatrixRMaj u = eig.getEigenVector(order[c]);
            double norm = 0;
            for (int i = 0; i < k; i++) norm += u.get(i) * u.get(i);
            double sign = u.get(0) < 0 ? -1 : 1, scale = sign / Math.sqrt(norm);
            double[] direction = new double[p];                        // d = Mᵀu/σ
            for (int i = 0; i < k; i++) {
                double w = u.get(i) * scale / sigma[c];
                for (int j = 0; j < p; j++) direction[j] += w * m[i][j];
            }
            float[] host = new float[p];
            for (int j = 0; j < p; j++) host[j] = (float) direction[j];
            d[c] = ParamVector.fromHost(last.backend(), last.layout(), host);
            for (int i = 0; i < k; i++) path[i][c] = sigma[c] * u.get(i) * scale;   // ⟨m_i, d⟩ = σ u[i]
        }
        double[] explained = {sigma[0] * sigma[0] / trace, sigma[1] * sigma[1] / trace};
        return new Pca(d[0], d[1], sigma, explained, path);
    }
}
