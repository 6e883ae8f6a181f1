package basin.engine.nn;

import basin.engine.nn.spec.StudyModels;
import basin.engine.oracle.Compare;
import basin.engine.oracle.NetOracle;
import basin.engine.oracle.OracleLayers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ResNet-20 ({@link StudyModels#resnet20()}, 272,474 parameters) on a batch of two N(0, 1) 3×32×32
 * inputs, in eval mode (running statistics 0 and 1) and with batch statistics: the gradient and
 * the HVP are symmetric and agree with finite differences of the float64 oracle along directions
 * (a full oracle gradient would take 2p forward passes; four passes give one quadratic form).
 *
 * <p>Tolerances. Basin's float32 gradient and Hv carry relative errors of ~1e-7 to 1e-6 (measured
 * against the oracle at vanishing h). The oracle's own error is truncation O(h²) plus rounding
 * ε₆₄·L/h (first differences) or ε₆₄·L/h² (second differences). With batch statistics the third
 * and fourth derivatives along ∇L and Hv are large (1/σ amplifies), and h = 1e-3 was measured to
 * err by 4e-5 of ‖∇L‖ and 6e-5 of ‖Hv‖; so h = 1e-5 for gradients (truncation ≈ 5e-8, rounding
 * ≈ 1e-11) and h = 1e-4 for Hessians, Richardson-extrapolated with h/2 (truncation O(h⁴), rounding
 * ≈ 1e-7 of ‖Hv‖). Both sides fit in
 * 1e-5 of the scale ‖u‖·‖Hv‖ (resp. ‖u‖·‖∇L‖), which a wrong rule anywhere in the 20 layers would
 * exceed by orders of magnitude.
 *
 * <p>Why not differences of Basin's own float32 gradients, (∇L(θ+hv) − ∇L(θ−hv))/2h? Rounding
 * alone (~1e-6·‖∇L‖/h) would allow h ≈ 1e-2, but a step that size flips the signs of hundreds of
 * the 375,000 ReLU inputs, and each flip jumps the gradient; the jumps add like a random walk, so
 * the quotient's error grows like h^(−1/2) as h shrinks and was 3 to 70 times ‖Hv‖ for h from 1e-1
 * to 1e-3. The oracle avoids this by holding θ's activation pattern fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResNet20Test {
    private static final double TOLERANCE = 1e-5, H_GRADIENT = 1e-5, H_HESSIAN = 1e-4;
    private long seed;
    private CnnProblem withBatchStatistics, withRunningStatistics;
    private SplittableRandom rng;

    @BeforeAll
    void build() {
        seed = Compare.seed();
        Sequential model = StudyModels.model("resnet20");
        withBatchStatistics = new CnnProblem(seed, 2, model, oracle(true), 0.02);
        withRunningStatistics = new CnnProblem(seed, 2, model, oracle(false), 0.02);
        rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    }

    /** The oracle twin of {@link StudyModels#resnet20()}; eval-mode BatchNorms read running statistics 0 and 1. */
    private static List<NetOracle.Node> oracle(boolean train) {
        double[] zeros = new double[16], ones = new double[16];
        java.util.Arrays.fill(ones, 1);
        List<NetOracle.Node> n = new ArrayList<>(List.of(OracleLayers.conv(3, 16, 3, 1, 1, false),
                OracleLayers.batchNorm(16, 1e-5, train, zeros, ones), OracleLayers.relu()));
        int in = 16;
        for (int width : new int[] {16, 32, 64}) {
            for (int b = 0; b < 3; b++) {
                n.add(OracleLayers.basicBlock(in, width, width > 16 && b == 0 ? 2 : 1, train, 1e-5));
                in = width;
            }
        }
        n.addAll(List.of(OracleLayers.globalAvgPool(), OracleLayers.flatten(), OracleLayers.linear(64, 10)));
        return n;
    }

    private CnnProblem problem(Mode mode) {
        return mode == Mode.EVAL ? withRunningStatistics : withBatchStatistics;
    }

    /** A unit vector (in float64) with float32-exact entries, so Basin and the oracle see the same direction. */
    private static double[] unit(double[] d) {
        double norm = Math.sqrt(Compare.dot(d, d));
        double[] u = new double[d.length];
        for (int i = 0; i < d.length; i++) u[i] = (float) (d[i] / norm);
        return u;
    }

    private static double norm(double[] x) {
        return Math.sqrt(Compare.dot(x, x));
    }

    /**
     * The oracle's value on the smooth piece next to θ that is closest to Basin's. Among 375,000
     * ReLU inputs about one lies within float32 rounding (~1e-6 of its layer's RMS) of zero, and
     * Basin may see it on the other side than float64 does; in a layer of 8×8 positions that one
     * unit moves a bias gradient by ~1e-3. The oracle offers the k ≤ 6 units within 1e-5 RMS of
     * their kink, and we compare with the 2^k pieces, θ's own first, stopping at the first within
     * tolerance: a wrong derivative rule would miss every one of them, since each differs from
     * θ's own pattern in at most six units.
     */
    private static double closestPiece(CnnProblem p, double[] theta, double basin, double tolerance,
                                       java.util.function.DoubleSupplier oracle) {
        int k = p.oracle.nearKinks(theta);
        List<Integer> pieces = new ArrayList<>();
        for (int flips = 0; flips < 1 << k; flips++) pieces.add(flips);
        pieces.sort(java.util.Comparator.comparingInt(Integer::bitCount));          // θ's own piece first, then single flips
        double best = Double.NaN;
        for (int flips : pieces) {
            p.oracle.choosePiece(theta, flips);
            double o = oracle.getAsDouble();
            if (Double.isNaN(best) || Math.abs(o - basin) < Math.abs(best - basin)) best = o;
            if (Math.abs(best - basin) < tolerance) break;
        }
        p.oracle.choosePiece(theta, 0);
        return best;
    }

    /** ⟨u, Hv⟩ = ⟨v, Hu⟩ for random unit u, v, to float32 rounding of the two HVPs. */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"EVAL", "BATCH_STATISTICS"})
    void hvpIsSymmetric(Mode mode) {
        CnnProblem p = problem(mode);
        double[] u = unit(p.direction(rng)), v = unit(p.direction(rng));
        double[] hu = p.hvp(u, mode), hv = p.hvp(v, mode);
        double uHv = Compare.dot(u, hv), vHu = Compare.dot(v, hu);
        double scale = Math.max(norm(hu), norm(hv));
        assertTrue(Math.abs(uHv - vHu) < TOLERANCE * scale,
                "seed " + seed + ", " + mode.label() + ": ⟨u,Hv⟩ = " + uHv + ", ⟨v,Hu⟩ = " + vHu + ", ‖Hv‖ = " + scale);
    }

    /** ⟨u, ∇L⟩ against (L(θ+hu) − L(θ−hu))/2h in float64, for u along ∇L itself and for a random u. */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"EVAL", "BATCH_STATISTICS"})
    void gradientMatchesOracleDirectionalDerivatives(Mode mode) {
        CnnProblem p = problem(mode);
        double[] theta = p.thetaDouble(), g = p.gradient(mode);
        for (double[] u : List.of(unit(g), unit(p.direction(rng)))) {
            double basin = Compare.dot(u, g);
            double oracle = closestPiece(p, theta, basin, TOLERANCE * norm(g), () -> p.oracle.directionalDerivative(theta, u, H_GRADIENT));
            assertTrue(Math.abs(basin - oracle) < TOLERANCE * norm(g),
                    "seed " + seed + ", " + mode.label() + ": ⟨u,∇L⟩ = " + basin + ", oracle " + oracle + ", ‖∇L‖ = " + norm(g));
        }
    }

    /** ⟨u, Hv⟩ against the oracle's four-point second difference, for u along Hv itself and for a random u. */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"EVAL", "BATCH_STATISTICS"})
    void hvpMatchesOracleSecondDifferences(Mode mode) {
        CnnProblem p = problem(mode);
        double[] theta = p.thetaDouble();
        double[] v = unit(p.direction(rng)), hv = p.hvp(v, mode);
        for (double[] u : List.of(unit(hv), unit(p.direction(rng)))) {
            double basin = Compare.dot(u, hv);
            double oracle = closestPiece(p, theta, basin, TOLERANCE * norm(hv), () -> p.oracle.quadraticForm(theta, u, v, H_HESSIAN));
            assertTrue(Math.abs(basin - oracle) < TOLERANCE * norm(hv),
                    "seed " + seed + ", " + mode.label() + ": ⟨u,Hv⟩ = " + basin + ", oracle " + oracle + ", ‖Hv‖ = " + norm(hv));
        }
    }
}
