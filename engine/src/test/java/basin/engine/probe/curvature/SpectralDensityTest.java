package basin.engine.probe.curvature;

import basin.engine.linalg.ParamVector;
import basin.engine.oracle.Compare;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static basin.engine.probe.curvature.ChosenSpectrum.concat;
import static basin.engine.probe.curvature.ChosenSpectrum.linspace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stochastic Lanczos quadrature. Deterministic facts are checked tightly (weights sum to 1, the
 * quadrature reproduces vᵀHʳv for r ≤ 2m − 1, the broadened curve integrates to 1); the averaged
 * moments are random, means of n_v ≥ 50 i.i.d. terms, and must lie within 4.5 of their reported
 * standard errors of tr(Hʳ)/p (a t-variable with ≥ 49 degrees of freedom exceeds 4.5 with probability ~4e-5).
 */
class SpectralDensityTest {

    @Test
    void quadratureFromOneStartReproducesItsFirstMomentsExactly() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        ChosenSpectrum h = new ChosenSpectrum(concat(new double[] {7, -3}, linspace(2, -1, 58)), rng);
        ParamVector v = ParamVector.gaussian(h.backend(), h.layout(), rng);
        SpectralDensity.Quadrature q = SpectralDensity.Quadrature.of(Lanczos.run(h, v, 8, true, null));
        ParamVector hv = h.apply(v), hhv = h.apply(hv);
        double vv = v.dot(v);
        // Gauss quadrature with 8 nodes is exact for polynomials of degree ≤ 15; float32 vectors leave ~1e-6.
        assertEquals(1, q.moment(0), 1e-12, "seed " + seed + ": Σ τ");
        assertEquals(v.dot(hv) / vv, q.moment(1), 1e-5 * 7, "seed " + seed + ": Σ τθ vs vᵀHv");
        assertEquals(hv.dot(hv) / vv, q.moment(2), 1e-5 * 49, "seed " + seed + ": Σ τθ² vs ‖Hv‖²");
        assertEquals(hv.dot(hhv) / vv, q.moment(3), 1e-5 * 343, "seed " + seed + ": Σ τθ³ vs vᵀH³v");
    }

    @Test
    void densityOfAChosenSpectrumIntegratesToOneAndItsMomentsMatchTheTraces() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        // A spread spectrum, so that vᵀHv sums many comparable terms and its mean over starts is
        // nearly normal; a few dominant outliers make it χ²-skewed, and a 50-sample t-interval unreliable.
        ChosenSpectrum h = new ChosenSpectrum(linspace(3, -1, 120), rng);
        int p = h.dim();
        SpectralDensity.Result d = SpectralDensity.estimate(h, 50, 20, Double.NaN, 2000, rng, null);
        assertEquals(50 * 20, h.applications);
        assertMomentsMatch(d, h.traceOfPower(1) / p, h.traceOfPower(2) / p, seed);
    }

    @Test
    void densityOfTinyMlpHessianIntegratesToOneAndItsMomentsMatchTheTraces() {
        long seed = Compare.seed();
        TinyMlp net = new TinyMlp(seed);
        int p = net.dim();
        // A network Hessian is dominated by a few outliers, so vᵀHv is skewed: 300 starts bring the
        // skewness of the mean down to ~0.15. Six steps suffice, the quadrature being exact to degree 11.
        SpectralDensity.Result d = SpectralDensity.estimate(net.hessian, 300, 6, Double.NaN, 2000, new SplittableRandom(seed + 1), null);
        assertMomentsMatch(d, net.trace() / p, net.traceOfSquare() / p, seed);
    }

    private static void assertMomentsMatch(SpectralDensity.Result d, double first, double second, long seed) {
        // Trapezoid on a grid of step ~0.06σ integrates a Gaussian to ~1e-12; tails beyond 6σ hold 2e-9.
        assertEquals(1, d.integral(), 1e-6, "seed " + seed + ": ∫φ");
        assertEquals(1, d.moment(0), 1e-9, "seed " + seed + ": Σ τ");
        assertEquals(first, d.moment(1), 4.5 * d.momentStandardError(1), "seed " + seed + ": first moment ± " + d.momentStandardError(1));
        assertEquals(second, d.moment(2), 4.5 * d.momentStandardError(2), "seed " + seed + ": second moment ± " + d.momentStandardError(2));
        // The broadened curve keeps the mean of the atoms and adds σ² to their second moment.
        double m1 = 0, m2 = 0, step = d.grid()[1] - d.grid()[0];
        for (int i = 0; i < d.grid().length; i++) {
            m1 += step * d.grid()[i] * d.density()[i];
            m2 += step * d.grid()[i] * d.grid()[i] * d.density()[i];
        }
        double scale = Math.max(1, Math.abs(d.moment(1)));
        assertEquals(d.moment(1), m1, 1e-6 * scale, "seed " + seed + ": ∫tφ");
        assertEquals(d.moment(2) + d.sigma() * d.sigma(), m2, 1e-6 * (d.moment(2) + d.sigma() * d.sigma()), "seed " + seed + ": ∫t²φ");
        assertTrue(d.momentStandardError(1) > 0, "a random estimate has a nonzero standard error");
    }
}
