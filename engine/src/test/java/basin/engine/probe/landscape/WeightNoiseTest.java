package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.oracle.Compare;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Flatness under noise on a quadratic (expectations in closed form) and on a tiny MLP. */
class WeightNoiseTest {

    @Test
    void isotropicNoiseRaisesAQuadraticByHalfSigmaSquaredTraceOnAverage() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 25, draws = 300;
        double[] lambda = new double[p];
        for (int i = 0; i < p; i++) lambda[i] = 0.2 + 2.0 * i / p;
        Quadratic q = Quadratic.centred(lambda, rng);
        ParamVector theta = ParamVector.zeros(q.backend(), q.layout());
        double sigma = 0.03;
        List<WeightNoise.AtScale> r = WeightNoise.isotropic(q, theta, new double[] {0, sigma}, draws, new SplittableRandom(seed + 1));
        assertEquals(0, r.get(0).loss().mean(), 0, "seed " + seed + ": σ = 0 leaves θ as it is");
        assertEquals(0, r.get(0).loss().std(), 0);
        // E[½σ² ξᵀAξ] = ½σ² tr A; Var = ½σ⁴ tr A² (ξ Gaussian). Five standard errors.
        double tr = 0, tr2 = 0;
        for (double l : lambda) {
            tr += l;
            tr2 += l * l;
        }
        double sd = Math.sqrt(0.5 * Math.pow(sigma, 4) * tr2);
        assertEquals(0.5 * sigma * sigma * tr, r.get(1).loss().mean(), 5 * sd / Math.sqrt(draws), "seed " + seed);
        assertEquals(sd, r.get(1).loss().std(), 0.25 * sd, "seed " + seed + ": spread of the draws");
    }

    @Test
    void normControlledPerturbationsHaveTheRequestedRadius() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 19;
        double[] lambda = new double[p];
        java.util.Arrays.fill(lambda, 2.5);                            // A = 2.5 I: ΔL = ½ r² · 2.5 for every unit direction
        double[] star = new double[p];
        Quadratic q = new Quadratic(lambda, star, 0, rng);
        ParamVector theta = ParamVector.zeros(q.backend(), q.layout());
        WeightNoise.NormControlled abs = WeightNoise.normControlled(q, theta, 1e-2, false, 7, rng);
        for (double v : abs.increases()) assertEquals(0.5 * 1e-4 * 2.5, v, 1e-6 * 1.25e-4, "seed " + seed);

        Sequential model = TinyProblems.mlp();
        DatasetLoss f = new DatasetLoss(model, TinyProblems.randomData(20, 3, rng), 8, CpuBackend.get());
        ParamVector w = model.initialParameters(CpuBackend.get(), rng.nextLong());
        WeightNoise.NormControlled rel = WeightNoise.normControlled(f, w, 1e-3, true, 3, rng);
        assertEquals(1e-3 * w.norm(), rel.radius(), 1e-12, "seed " + seed + ": r = ε‖θ‖");
        assertEquals(f.loss(w), rel.baseLoss(), 0, "seed " + seed);
    }
}
