package basin.engine.probe.landscape;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Dense;
import basin.engine.nn.Flatten;
import basin.engine.nn.Layer;
import basin.engine.nn.Mode;
import basin.engine.nn.ParamSpec;
import basin.engine.nn.Sequential;
import basin.engine.oracle.Compare;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The BatchNorm hook: paths through a model with running statistics are refused until they can be recomputed. */
class RunningStatisticsTest {

    /** Stands in for a BatchNorm layer: an identity that declares the type name BatchNorm layers carry. */
    private static final class TypedIdentity implements Layer {
        @Override public String type() { return "batchnorm1d"; }
        @Override public List<ParamSpec> parameters() { return List.of(); }
        @Override public Shape outputShape(Shape input) { return input; }
        @Override public Tensor forward(Tensor x, Tensor[] params, Mode mode) { return x; }
    }

    @Test
    void aModelWithoutBatchNormHasNoStatisticsToRecompute() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential model = TinyProblems.mlp();
        DatasetLoss f = new DatasetLoss(model, TinyProblems.randomData(10, 3, rng), 5, CpuBackend.get());
        assertFalse(f.runningStatistics().present());
        ParamVector theta = model.initialParameters(CpuBackend.get(), rng.nextLong());
        PathResult path = LinearPath.measure(f, theta, theta, 3, 1, GridLog.none());
        assertTrue(path.runningStatistics().contains("no BatchNorm"), path.runningStatistics());
    }

    @Test
    void aPathThroughAModelWithBatchNormIsRefusedNamingTheLayer() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential model = new Sequential(Shape.of(1, 4, 5), List.of(new Flatten(), new Dense(20, 6), new TypedIdentity(), new Dense(6, 3)));
        DatasetLoss f = new DatasetLoss(model, TinyProblems.randomData(10, 3, rng), 5, CpuBackend.get());
        ParamVector a = model.initialParameters(CpuBackend.get(), 1), b = model.initialParameters(CpuBackend.get(), 2);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> LinearPath.measure(f, a, b, 3, 1, GridLog.none()));
        assertTrue(e.getMessage().contains("2:batchnorm1d"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> BezierCurve.between(a, b).measure(f, 3, 1, GridLog.none()));
        assertThrows(UnsupportedOperationException.class,
                () -> TwoModelPlane.through(a, b, rng).measure(f, new double[] {0}, new double[] {0}, 1, GridLog.none()));
    }
}
