package basin.engine.probe.landscape;

import basin.autodiff.Shape;
import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.oracle.Compare;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.train.Trainer;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Garipov et al.'s quadratic Bezier curve: its points, and a trained curve between two MLP minima. */
class BezierCurveTest {

    @Test
    void curvePointsAreTheBernsteinMixOfTheEndsAndTheControlPoint() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ParamLayout layout = ParamLayout.vector(29);
        ParamVector a = Directions.gaussian(CpuBackend.get(), layout, rng), b = Directions.gaussian(CpuBackend.get(), layout, rng);
        BezierCurve curve = BezierCurve.between(a, b);
        ParamVector out = a.zerosLike();
        double[] x = Quadratic.toDouble(a), y = Quadratic.toDouble(b);
        // Untrained, θ_c is the midpoint and the curve is the segment (1 − t) θ_A + t θ_B.
        for (double t : new double[] {0, 0.3, 0.5, 1}) {
            curve.point(t, out);
            float[] got = out.toHost();
            for (int i = 0; i < x.length; i++) assertEquals((1 - t) * x[i] + t * y[i], got[i], 1e-6 * (1 + Math.abs(x[i]) + Math.abs(y[i])), "seed " + seed + ", t = " + t);
        }
        // Move θ_c and compare with (1 − t)² θ_A + 2t(1 − t) θ_c + t² θ_B in float64.
        curve.control().copyFrom(Directions.gaussian(CpuBackend.get(), layout, rng));
        double[] c = Quadratic.toDouble(curve.control());
        double t = 0.37;
        curve.point(t, out);
        float[] got = out.toHost();
        for (int i = 0; i < x.length; i++) {
            double expected = (1 - t) * (1 - t) * x[i] + 2 * t * (1 - t) * c[i] + t * t * y[i];
            assertEquals(expected, got[i], 1e-6 * (1 + Math.abs(x[i]) + Math.abs(c[i]) + Math.abs(y[i])), "seed " + seed);
        }
    }

    /**
     * Two 784-32-10 MLPs trained from different seeds on 2,000 bundled MNIST digits sit in different
     * minima; the straight line between them climbs over a barrier. A Bezier curve whose control
     * point is trained for a few epochs bends around it, so its barrier is lower.
     */
    @Test
    void aTrainedBezierCurveBetweenTwoMlpMinimaHasALowerBarrierThanTheLine() throws IOException {
        long seed = Compare.seed();
        Dataset train = DatasetResolver.standard().load("mnist-bundled", Split.TRAIN, null).first(2000);
        Sequential model = Mlp.of(Shape.of(1, 28, 28), 32, 10);
        ParamVector[] minima = new ParamVector[2];
        for (int r = 0; r < 2; r++) {
            long runSeed = seed + 1000L * r;
            minima[r] = model.initialParameters(CpuBackend.get(), runSeed);
            Trainer.Config config = new Trainer.Config(4, 64, LearningRateSchedule.constant(0.05), 0.9, 0, runSeed);
            new Trainer(model, config).train(minima[r], train, null, null, null);
        }
        DatasetLoss f = new DatasetLoss(model, train, 500, CpuBackend.get());
        PathResult line = LinearPath.measure(f, minima[0], minima[1], 11, 2, GridLog.none());

        BezierCurve curve = BezierCurve.between(minima[0], minima[1]);
        BezierCurve.TrainLog log = curve.train(new Objective(model, Mode.EVAL), train,
                new BezierCurve.TrainConfig(4, 64, 0.05, 0.9, 0, seed));
        PathResult bent = curve.measure(f, 11, 2, GridLog.none());
        System.out.printf("seed %d: end losses %.4f and %.4f; linear barrier %.4f (at t = %.1f, above the mix %.4f); "
                        + "Bezier barrier %.4f (at t = %.1f, above the mix %.4f) after %d steps, epoch losses %s%n",
                seed, line.barrier().lossStart(), line.barrier().lossEnd(), line.barrier().barrier(), line.barrier().argmax(),
                line.barrier().barrierAboveMix(), bent.barrier().barrier(), bent.barrier().argmax(), bent.barrier().barrierAboveMix(),
                log.steps(), java.util.Arrays.toString(log.epochLosses()));
        // The curve's ends are the two models: φ(0) = θ_A, φ(1) = θ_B up to the float32 rounding of θ_A + d₁ + d₂.
        assertEquals(line.losses()[0], bent.losses()[0], 1e-6, "seed " + seed);
        assertEquals(line.losses()[10], bent.losses()[10], 1e-4 * line.losses()[10], "seed " + seed);
        assertTrue(line.barrier().barrier() > 0.05, "seed " + seed + ": the two minima should be separated by a barrier, got " + line.barrier().barrier());
        assertTrue(bent.barrier().barrier() < line.barrier().barrier(),
                "seed " + seed + ": Bezier barrier " + bent.barrier().barrier() + " not below the linear " + line.barrier().barrier());
    }
}
