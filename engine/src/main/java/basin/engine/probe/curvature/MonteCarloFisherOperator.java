package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The Monte-Carlo Fisher: the Fisher's expectation over labels replaced by M labels sampled from
 * the model's own predictive distribution, as curvlinops' {@code FisherMCLinearOperator} and
 * BackPACK's Monte-Carlo GGN ({@code DiagGGNMC}, whose square root of the loss Hessian is the sampled
 * r_nm; Dangel, Kunstner &amp; Hennig 2020, "BackPACK: packing more into backprop") define it:
 * <pre>
 *   F̂ v = (1/N) Σ_n (1/M) Σ_m g_nm (g_nmᵀ v),   g_nm = ∇_θ(−log p_n(ỹ_nm)) = J_nᵀ (p_n − e_ỹnm),   ỹ_nm ~ Cat(p_n)
 * </pre>
 * E[F̂] = F, and each entry's variance falls as 1/M. The labels are drawn once, at construction,
 * from p_n at θ and a generator seeded with {@code seed}, batch by batch in order, so the operator
 * is one fixed symmetric positive semi-definite matrix that Lanczos can be run on (curvlinops
 * re-seeds its generator at every product to the same end). Like its references it works in
 * logit space: the sampled gradients g_nm are never formed.
 */
public final class MonteCarloFisherOperator extends LogitSpaceOperator {
    private final int samples;
    private final int[][] labels;                // [N][M]: ỹ_nm
    private final double[][] frequency;          // [N][C]: k_nc / M, how often label c was drawn

    /** F̂ over the given batches with M = {@code samples} labels per example, drawn with {@code seed}. */
    public MonteCarloFisherOperator(Objective objective, ParamVector theta, List<Batch> batches, int samples, long seed) {
        super(Curvature.FISHER_MC, objective, theta, batches);
        if (samples < 1) throw new IllegalArgumentException("fisher-mc: the number of sampled labels per example must be ≥ 1, got " + samples);
        this.samples = samples;
        int classes = classes();
        this.labels = new int[examples()][samples];
        this.frequency = new double[examples()][classes];
        SplittableRandom rng = new SplittableRandom(seed);
        double[] p = new double[classes];
        int n = 0;
        for (Batch batch : batches()) {
            float[] z = objective.logits(theta, batch);           // one forward pass per batch, once
            for (int i = 0; i < batch.size(); i++, n++) {
                softmax(z, i * classes, p);
                for (int m = 0; m < samples; m++) {
                    labels[n][m] = categorical(p, rng);
                    frequency[n][labels[n][m]] += 1.0 / samples;
                }
            }
        }
    }

    /** u = (1/M) Σ_m r_m (r_mᵀ ż) = Σ_c (k_c/M) r_c (r_cᵀ ż), r_c = p − e_c: the Fisher's sum with p_c's weight replaced by the sampled frequency. */
    @Override
    protected void logitSpace(int n, double[] p, float[] y, int yOffset, double[] zDot, double[] u) {
        double[] r = new double[p.length];
        for (int c = 0; c < p.length; c++) {
            if (frequency[n][c] == 0) continue;
            logitGradient(p, c, r);
            addOuter(frequency[n][c], r, zDot, u);
        }
    }

    /** M, the labels drawn per example. */
    public int samples() {
        return samples;
    }

    /** ỹ_nm, example n (across batches, in order) by sample m; a copy. */
    public int[][] sampledLabels() {
        int[][] copy = new int[labels.length][];
        for (int n = 0; n < labels.length; n++) copy[n] = labels[n].clone();
        return copy;
    }

    /** One draw from Cat(p) by inverting the cumulative distribution. */
    private static int categorical(double[] p, SplittableRandom rng) {
        double u = rng.nextDouble(), cumulative = 0;
        for (int c = 0; c < p.length - 1; c++) {
            cumulative += p[c];
            if (u < cumulative) return c;
        }
        return p.length - 1;
    }
}
