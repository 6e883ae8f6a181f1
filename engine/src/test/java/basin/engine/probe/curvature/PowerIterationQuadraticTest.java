package basin.engine.probe.curvature;

import basin.autodiff.Autodiff;
import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import basin.kernels.Arena;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power iteration on the HVP of a quadratic loss L(θ) = ½ θᵀAθ whose Hessian A = Q diag(λ) Qᵀ has
 * a spectrum we chose. The HVP runs through the tape (matmul, mul, sum), so this proves the chain
 * from autodiff to probe on a problem whose answer is known exactly.
 */
class PowerIterationQuadraticTest {
    private final Backend backend = CpuBackend.get();

    @Test
    void findsTheChosenTopEigenvalueOfAQuadraticLoss() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 60;
        double[] lambda = new double[p];
        lambda[0] = 7.5;                                   // λmax; the next is 3, so |λ₂/λ₁| = 0.4
        for (int i = 1; i < p; i++) lambda[i] = 3 - 5.0 * (i - 1) / (p - 2);   // down to −2: mixed signs
        float[] a = Spectra.rotated(lambda, rng);
        Tensor aTensor = Tensor.fromHost(backend, Shape.of(p, p), a);
        ParamLayout layout = ParamLayout.vector(p);
        ParamVector theta = ParamVector.gaussian(backend, layout, rng);

        LinearOperator hessian = new LinearOperator() {
            @Override public ParamLayout layout() { return layout; }
            @Override public Backend backend() { return backend; }
            @Override public void apply(ParamVector v, ParamVector out) {
                try (Arena arena = backend.openArena()) {
                    Tensor[] hv = Autodiff.hvp(
                            t -> t[0].mul(aTensor.matmul(t[0].reshape(Shape.of(p, 1))).reshape(Shape.of(p))).sum().scale(0.5f),
                            new Tensor[] {theta.tensor(layout.entries().get(0))},
                            new Tensor[] {v.tensor(layout.entries().get(0))}).hv();
                    backend.copy(hv[0].buffer(), out.buffer());
                }
            }
        };
        PowerIteration.Result r = PowerIteration.run(hessian, 500, 1e-6, new SplittableRandom(seed + 1), null);
        // tol 1e-6: float32 HVPs make the Rayleigh quotient jitter at ~1e-7 relative, so a tighter
        // tolerance could never be met. A is stored in float32 (relative perturbation ~1e-7), so its eigenvalues move by ~1e-6·‖A‖.
        assertEquals(7.5, r.lambda(), 1e-4, "seed " + seed + " after " + r.iterations() + " iterations");
        assertTrue(r.converged(), "seed " + seed + ": did not converge in " + r.iterations());
        assertEquals(r.iterations(), r.rayleighQuotients().length);
    }

    /**
     * λ₁ = 5 and λ₂ = 4.95: the Rayleigh quotient creeps up slowly, and a rule watching its change
     * would stop early and low (PowerIterationResidualTest shows that with its own loop). The
     * residual rule stops only when r = ‖Hv − λv‖ ≤ tol·|λ|, and some eigenvalue lies within r of λ
     * (H symmetric), converged or not; 1e-6 covers the float32 rounding of Hv.
     */
    @Test
    void theResidualBoundsTheDistanceToAnEigenvalue() {
        long seed = Compare.seed();
        double[] lambda = ChosenSpectrum.concat(new double[] {5, 4.95}, ChosenSpectrum.linspace(3, -1, 78));
        ChosenSpectrum h = new ChosenSpectrum(lambda, new SplittableRandom(seed));
        for (double tol : new double[] {1e-3, 1e-5}) {
            PowerIteration.Result r = PowerIteration.run(h, 3000, tol, new SplittableRandom(seed + 1), null);
            String context = "seed " + seed + ", tol " + tol + ": λ = " + r.lambda() + ", residual " + r.residual() + " after " + r.iterations();
            double nearest = Double.POSITIVE_INFINITY;
            for (double l : lambda) nearest = Math.min(nearest, Math.abs(l - r.lambda()));
            assertTrue(nearest <= r.residual() + 1e-6, context + " is " + nearest + " from the spectrum, beyond its residual");
            assertTrue(r.converged() && r.residual() <= tol * Math.abs(r.lambda()), context);
        }
    }
}
