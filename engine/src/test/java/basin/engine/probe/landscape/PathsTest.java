package basin.engine.probe.landscape;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.oracle.Compare;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Linear paths, barriers and the plane through two models, on a tiny MLP and random data. */
class PathsTest {

    @Test
    void interpolatingAModelWithItselfIsFlatWithZeroBarrier() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential model = TinyProblems.mlp();
        DatasetLoss f = new DatasetLoss(model, TinyProblems.randomData(37, 3, rng), 16, CpuBackend.get());
        ParamVector theta = model.initialParameters(CpuBackend.get(), rng.nextLong());
        PathResult path = LinearPath.measure(f, theta, theta.copy(), 9, 2, GridLog.none());
        double own = f.loss(theta);
        // θ + t·0 is θ bit for bit, so every point is the same forward pass: exact equality.
        for (int i = 0; i < path.ts().length; i++) assertEquals(own, path.losses()[i], 0, "seed " + seed + ", t = " + path.ts()[i]);
        assertEquals(0, path.barrier().barrier(), 0, "seed " + seed);
        assertEquals(0, path.barrier().barrierAboveMix(), 0, "seed " + seed);
    }

    @Test
    void barriersAreMeasuredAboveTheBetterEndAndAboveTheLinearMix() {
        // By hand: ends 1 and 2; the peak 3 at t = 0.5 is 2 above min(1, 2) and 3 − 1.5 = 1.5 above the mix.
        Barrier b = Barrier.of(new double[] {0, 0.25, 0.5, 1}, new double[] {1, 1.1, 3, 2});
        assertEquals(2, b.barrier(), 1e-15);
        assertEquals(1.5, b.barrierAboveMix(), 1e-15);
        assertEquals(0.5, b.argmax());
        // A path below the chord of its ends: no barrier above the mix, none above the better end either.
        Barrier convex = Barrier.of(new double[] {0, 0.5, 1}, new double[] {1, 0.5, 2});
        assertEquals(1, convex.barrier(), 1e-15);                   // the worse end itself is 1 above the better
        assertEquals(0, convex.barrierAboveMix(), 1e-15);
    }

    @Test
    void thePlaneThroughTwoModelsPutsThemAtTheirReportedCoordinates() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential model = TinyProblems.mlp();
        Dataset data = TinyProblems.randomData(41, 3, rng);
        DatasetLoss f = new DatasetLoss(model, data, 16, CpuBackend.get());
        ParamVector a = model.initialParameters(CpuBackend.get(), rng.nextLong());
        ParamVector b = model.initialParameters(CpuBackend.get(), rng.nextLong());
        TwoModelPlane plane = TwoModelPlane.through(a, b, rng);
        double[] ca = plane.coordinatesA(), cb = plane.coordinatesB();
        // By construction θ_A = m − d₁ and θ_B = m + d₁; the projections recover it to float32 rounding.
        assertEquals(-1, ca[0], 1e-5, "seed " + seed);
        assertEquals(1, cb[0], 1e-5, "seed " + seed);
        assertEquals(0, ca[1], 1e-5, "seed " + seed);
        assertEquals(0, cb[1], 1e-5, "seed " + seed);
        assertEquals(0, plane.d1().dot(plane.d2()) / (plane.d1().norm() * plane.d2().norm()), 1e-6, "seed " + seed);
        Slice.Result at = plane.measure(f, new double[] {ca[0], cb[0]}, new double[] {ca[1], cb[1]}, 2, GridLog.none());
        double lossA = f.loss(a), lossB = f.loss(b);
        // m ± d₁ rebuilds θ in float32 to ~1e-7 relative per weight; the loss moves by less than 1e-5.
        assertEquals(lossA, at.loss(0, 0), 1e-5 * lossA, "seed " + seed + ": loss at θ_A's coordinates");
        assertEquals(lossB, at.loss(1, 1), 1e-5 * lossB, "seed " + seed + ": loss at θ_B's coordinates");
        assertEquals(f.measure(a).accuracy(), at.accuracies()[0], 0, "seed " + seed);
    }
}
