package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;

import java.util.Arrays;
import java.util.List;

/**
 * The curvature matrices of the mean cross-entropy L(θ) = (1/N) Σ_n ℓ(z_n, y_n), z_n = f(θ; x_n) the
 * logits, that a probe can be pointed at. With J_n = ∂z_n/∂θ, p_n = softmax(z_n) and r_n(y) = p_n − e_y
 * the logit gradient of ℓ for label y:
 * <pre>
 *   hessian           H  = ∇²L                                 = G + (1/N) Σ_n Σ_c (∂ℓ/∂z_nc) ∇²z_nc
 *   ggn               G  = (1/N) Σ_n J_nᵀ (diag p_n − p_n p_nᵀ) J_n
 *   fisher            F  = (1/N) Σ_n E_{y~p_n}[∇ℓ ∇ℓᵀ]           = (1/N) Σ_n J_nᵀ (Σ_c p_nc r_n(c) r_n(c)ᵀ) J_n
 *   fisher-mc         F̂  = (1/N) Σ_n (1/M) Σ_m g_nm g_nmᵀ,        g_nm = J_nᵀ r_n(ỹ_nm), ỹ_nm ~ p_n
 *   empirical-fisher  EF = (1/N) Σ_n g_n g_nᵀ,                  g_n = ∇ℓ(z_n, y_n) = J_nᵀ r_n(y_n)
 * </pre>
 * For softmax cross-entropy F = G, since Σ_c p_c (p − e_c)(p − e_c)ᵀ = diag p − ppᵀ (Martens 2020,
 * "New insights and perspectives on the natural gradient method", §9.2); the empirical Fisher uses
 * the true labels instead of the model's and is not a Fisher (Kunstner, Balles &amp; Hennig 2019).
 */
public enum Curvature {
    HESSIAN("hessian", "H = ∇²L, the Hessian"),
    GGN("ggn", "G = Jᵀ H_ℓ J, the generalised Gauss–Newton matrix"),
    FISHER("fisher", "F = E_{y~p}[∇ℓ ∇ℓᵀ], the Fisher of the model's predictive distribution"),
    FISHER_MC("fisher-mc", "F̂ = (1/N) Σ (1/M) Σ g gᵀ, the Monte-Carlo Fisher (labels sampled from the model)"),
    EMPIRICAL_FISHER("empirical-fisher", "EF = (1/N) Σ g gᵀ, the empirical Fisher (true labels)");

    private final String label;
    private final String formula;

    Curvature(String label, String formula) {
        this.label = label;
        this.formula = formula;
    }

    /** The name on the command line and in outputs: {@code hessian}, {@code ggn}, … */
    public String label() {
        return label;
    }

    /** What it is, in one line, for outputs. */
    public String formula() {
        return formula;
    }

    /** The curvature called {@code label}, or an exception listing the names. */
    public static Curvature parse(String label) {
        for (Curvature c : values()) if (c.label.equals(label)) return c;
        throw new IllegalArgumentException("--operator must be one of "
                + Arrays.stream(values()).map(Curvature::label).toList() + ", got '" + label + "'");
    }

    /**
     * This matrix for the objective at θ over the given batches (in order). {@code samples} and
     * {@code seed} are the Monte-Carlo Fisher's M and the seed of its labels; the others ignore them.
     */
    public CurvatureOperator over(Objective objective, ParamVector theta, List<Batch> batches, int samples, long seed) {
        return switch (this) {
            case HESSIAN -> new HessianOperator(objective, theta, batches);
            case GGN -> new GaussNewtonOperator(objective, theta, batches);
            case FISHER -> new FisherOperator(objective, theta, batches);
            case FISHER_MC -> new MonteCarloFisherOperator(objective, theta, batches, samples, seed);
            case EMPIRICAL_FISHER -> new EmpiricalFisherOperator(objective, theta, batches);
        };
    }
}
