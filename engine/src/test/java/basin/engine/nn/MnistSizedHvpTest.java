package basin.engine.nn;

import basin.engine.oracle.Compare;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HVP of the 784-256-10 MLP on a batch of 128 (203,530 parameters): symmetry, linearity, and
 * agreement with the float64 central difference of gradients. Inputs are uniform in [0, 1) like
 * MNIST pixels; labels uniform over the ten classes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MnistSizedHvpTest {
    private long seed;
    private MlpProblem p;
    private SplittableRandom rng;

    @BeforeAll
    void build() {
        seed = Compare.seed();
        p = new MlpProblem(seed, 128, 784, 256, 10);
        rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    }

    /**
     * ⟨u, Hv⟩ and ⟨v, Hu⟩ are the same number in exact arithmetic; in float32 each is a sum of
     * 2·10⁵ products, so we allow a relative difference of 1e-4 of ‖u‖‖Hv‖.
     */
    @Test
    void hvpIsSymmetric() {
        double[] u = p.direction(rng), v = p.direction(rng);
        double uHv = Compare.dot(u, p.hvp(v)), vHu = Compare.dot(v, p.hvp(u));
        double scale = Math.sqrt(Compare.dot(u, u)) * Math.sqrt(Compare.dot(p.hvp(v), p.hvp(v)));
        assertTrue(Math.abs(uHv - vHu) < 1e-4 * scale, "seed " + seed + ": ⟨u,Hv⟩ = " + uHv + ", ⟨v,Hu⟩ = " + vHu);
    }

    /** H(au + bv) = aHu + bHv up to float32 rounding (1e-5 normwise). */
    @Test
    void hvpIsLinearInTheDirection() {
        double[] u = p.direction(rng), v = p.direction(rng);
        double a = 0.75, b = -1.5;                                 // exact in float32
        double[] mix = new double[u.length];
        for (int i = 0; i < mix.length; i++) mix[i] = (float) (a * u[i] + b * v[i]);
        double[] lhs = p.hvp(mix), hu = p.hvp(u), hv = p.hvp(v);
        double[] rhs = new double[u.length];
        for (int i = 0; i < rhs.length; i++) rhs[i] = a * hu[i] + b * hv[i];
        double rel = Compare.relativeError(lhs, rhs);
        assertTrue(rel < 1e-5, "seed " + seed + ": linearity, relative error " + rel);
    }

    /**
     * Hv against (∇L(θ+hv) − ∇L(θ−hv))/2h in float64 with h = 1e-5 for a unit-norm v: small enough
     * that no ReLU changes sign between θ−hv and θ+hv (pre-activations move by ~1e-7; checked, and h
     * made smaller where one does), large enough that float64 rounding (ε/h ≈ 1e-11) is negligible.
     * Budget 2e-4: float32 HVP rounding.
     */
    @Test
    void hvpMatchesCentralDifferenceOfFloat64Gradients() {
        double[] v = p.direction(rng);
        double norm = Math.sqrt(Compare.dot(v, v));
        for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] / norm);
        double[] basin = p.hvp(v);
        // Among 128·256 hidden pre-activations one may lie within h·|∂z/∂v| of 0 (a seed in a few
        // hundred): then the stencil crosses its kink, so h shrinks until no ReLU changes side.
        double h = 1e-5;
        while (h > 1e-8 && !p.oracle.sameReluPattern(p.thetaDouble(), v, h)) h /= 10;
        double[] reference = p.oracle.gradientDifference(p.thetaDouble(), v, h);
        double rel = Compare.relativeError(basin, reference);
        assertTrue(rel < 2e-4, "seed " + seed + ": Hv vs float64 gradient difference with h = " + h + ", relative error " + rel);
    }

    /** The float32 gradient of the big model against the float64 backprop oracle. */
    @Test
    void gradientMatchesOracle() {
        double[] rel = {Compare.relativeError(p.gradient(), p.oracle.gradient(p.thetaDouble()))};
        assertTrue(rel[0] < 1e-4, "seed " + seed + ": gradient relative error " + rel[0]);
    }
}
