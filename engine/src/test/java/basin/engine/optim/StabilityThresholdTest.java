package basin.engine.optim;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Sgd#stabilityThreshold}: SGD (with and without heavy-ball momentum) on the quadratic
 * f(θ) = ½ λ θ² converges for λ just below 2(1 + β)/η and diverges just above it, with the
 * optimiser itself taking the steps.
 */
class StabilityThresholdTest {
    private final CpuBackend cpu = CpuBackend.get();

    /** |θ| after {@code steps} SGD steps on ½λθ² from θ₀ = 1. */
    private double run(double lr, double momentum, double lambda, int steps) {
        ParamLayout layout = ParamLayout.vector(1);
        ParamVector theta = ParamVector.fromHost(cpu, layout, new float[] {1f});
        ParamVector gradient = theta.zerosLike();
        Sgd sgd = new Sgd(momentum, 0, 0);
        for (int t = 0; t < steps; t++) {
            gradient.copyFrom(theta);
            gradient.scal(lambda);                               // ∇f = λθ
            sgd.step(theta, gradient, lr);
            if (!Float.isFinite(theta.toHost()[0])) return Double.POSITIVE_INFINITY;
        }
        return Math.abs(theta.toHost()[0]);
    }

    @ParameterizedTest(name = "η = {0}, β = {1}")
    @CsvSource({"0.1, 0", "0.05, 0.9", "0.01, 0.9", "0.2, 0.5"})
    void trainingJustBelowTheThresholdConvergesAndJustAboveItDiverges(double lr, double momentum) {
        double threshold = Sgd.stabilityThreshold(lr, momentum);
        assertEquals(2 * (1 + momentum) / lr, threshold, 1e-12);
        // 3% either side: the slowest root's modulus differs from 1 by a few parts in a thousand, so
        // 20 000 steps move |θ| by many orders of magnitude one way or the other.
        double below = run(lr, momentum, 0.97 * threshold, 20_000), above = run(lr, momentum, 1.03 * threshold, 20_000);
        assertTrue(below < 1e-3, "λ = 0.97 × threshold should converge, |θ| = " + below);
        assertTrue(above > 1e3, "λ = 1.03 × threshold should diverge, |θ| = " + above);
    }
}
