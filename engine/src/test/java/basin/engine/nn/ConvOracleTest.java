package basin.engine.nn;

import basin.engine.nn.CnnProblem.Piece;
import basin.engine.oracle.Compare;
import basin.engine.oracle.OracleLayers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Convolution and pooling layers against the float64 oracle, on random odd shapes with stride 2
 * and padding: loss, gradient (central differences, h = 1e-6) and HVP (mixed second differences
 * at h = 1e-4 and 5e-5, Richardson-extrapolated), each with the oracle's activation pattern frozen at θ.
 *
 * <p>Tolerances. Basin is float32 (u = 6e-8); the longest dot products here have a few hundred
 * terms, so the forward pass and gradient agree with float64 to ~1e-6 and we allow 1e-4 normwise;
 * the HVP chains twice as many products and we allow 2e-4. The oracle's own error is far below:
 * O(h²) + O(ε/h) ≈ 1e-10 for gradients, O(h⁴) + O(ε/h²) ≈ 1e-7 for HVPs.
 */
class ConvOracleTest {
    private static final double GRADIENT_TOLERANCE = 1e-4, HVP_TOLERANCE = 2e-4;

    static Piece conv(int in, int out, int k, int s, int p, boolean bias) {
        return new Piece(new Conv2d(in, out, k, s, p, bias), OracleLayers.conv(in, out, k, s, p, bias));
    }

    static Piece relu() {
        return new Piece(new Relu(), OracleLayers.relu());
    }

    static Piece flatten() {
        return new Piece(new Flatten(), OracleLayers.flatten());
    }

    static Piece linear(int in, int out) {
        return new Piece(new Dense(in, out), OracleLayers.linear(in, out));
    }

    static Piece maxPool(int k, int s, int p) {
        return new Piece(new MaxPool2d(k, s, p), OracleLayers.maxPool(k, s, p));
    }

    static Piece avgPool(int k, int s, int p) {
        return new Piece(new AvgPool2d(k, s, p), OracleLayers.avgPool(k, s, p));
    }

    /** conv(k3, s1, p1) → ReLU → conv(k, s2, p) → ReLU → flatten → linear, random odd sizes. */
    static CnnProblem twoConvNet(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int c0 = 1 + rng.nextInt(3), c1 = 2 + rng.nextInt(3), c2 = 2 + rng.nextInt(3);
        int h = 5 + 2 * rng.nextInt(3), w = 5 + 2 * rng.nextInt(2);
        int k2 = 2 + rng.nextInt(2), p2 = rng.nextInt(2);
        int oh = (h + 2 * p2 - k2) / 2 + 1, ow = (w + 2 * p2 - k2) / 2 + 1;
        List<Piece> net = List.of(conv(c0, c1, 3, 1, 1, true), relu(), conv(c1, c2, k2, 2, p2, rng.nextBoolean()), relu(),
                flatten(), linear(c2 * oh * ow, 3 + rng.nextInt(3)));
        return new CnnProblem(rng.nextLong(), 2 + rng.nextInt(3), new int[] {c0, h, w}, net);
    }

    /** conv → max-pool (stride 2, maybe padded) → conv → avg-pool → flatten → linear. */
    static CnnProblem poolingNet(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int c0 = 1 + rng.nextInt(2), c1 = 2 + rng.nextInt(3), c2 = 2 + rng.nextInt(2);
        int h = 7 + 2 * rng.nextInt(2), w = 7 + rng.nextInt(3);
        int pk = 2 + rng.nextInt(2), pp = rng.nextInt(pk / 2 + 1);
        int h1 = (h + 2 * pp - pk) / 2 + 1, w1 = (w + 2 * pp - pk) / 2 + 1;
        int h2 = (h1 - 2) / 2 + 1, w2 = (w1 - 2) / 2 + 1;
        List<Piece> net = new ArrayList<>(List.of(conv(c0, c1, 3, 1, 1, true), maxPool(pk, 2, pp),
                conv(c1, c2, 3, 1, 1, true), avgPool(2, 2, 0), flatten(), linear(c2 * h2 * w2, 4)));
        return new CnnProblem(rng.nextLong(), 2 + rng.nextInt(2), new int[] {c0, h, w}, net);
    }

    @Test
    void convNetLossMatchesOracle() {
        long seed = Compare.seed();
        CnnProblem p = twoConvNet(seed);
        double basin = p.loss(Mode.EVAL), oracle = p.oracle.loss(p.thetaDouble());
        assertTrue(Math.abs(basin - oracle) < 1e-5 * Math.abs(oracle), "seed " + seed + ": loss " + basin + " vs " + oracle);
    }

    @Test
    void convNetGradientWithStrideTwoAndPaddingMatchesOracle() {
        twoConvNet(Compare.seed()).assertGradientMatchesOracle(Mode.EVAL, GRADIENT_TOLERANCE);
    }

    @Test
    void convNetHvpWithStrideTwoAndPaddingMatchesOracle() {
        twoConvNet(Compare.seed()).assertHvpMatchesOracle(Mode.EVAL, HVP_TOLERANCE);
    }

    @Test
    void poolingNetGradientMatchesOracle() {
        poolingNet(Compare.seed()).assertGradientMatchesOracle(Mode.EVAL, GRADIENT_TOLERANCE);
    }

    @Test
    void poolingNetHvpMatchesOracle() {
        poolingNet(Compare.seed()).assertHvpMatchesOracle(Mode.EVAL, HVP_TOLERANCE);
    }
}
