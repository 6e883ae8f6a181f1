package basin.engine.probe.landscape;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.oracle.Compare;
import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The noise scale on synthetic batch gradients with a chosen mean and covariance, and on a real model. */
class GradientNoiseScaleTest {

    @Test
    void bSimpleRecoversTraceSigmaOverGSquaredOfSyntheticGradients() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 8, batchSize = 32, k = 20_000;
        // G with ‖G‖² = 1; per-example covariance Σ = diag(s) with tr Σ = 16, so B_simple = 16.
        double[] g = new double[p], s = new double[p];
        double gg = 0, trace = 0;
        for (int i = 0; i < p; i++) {
            g[i] = rng.nextGaussian();
            gg += g[i] * g[i];
            s[i] = 0.5 + rng.nextDouble();
            trace += s[i];
        }
        for (int i = 0; i < p; i++) {
            g[i] /= Math.sqrt(gg);
            s[i] *= 16 / trace;
        }
        // A batch gradient is the mean of B per-example gradients: mean G, covariance Σ/B.
        ParamLayout layout = ParamLayout.vector(p);
        GradientNoiseScale.Accumulator acc = new GradientNoiseScale.Accumulator(p);
        float[] batch = new float[p];
        for (int b = 0; b < k; b++) {
            for (int i = 0; i < p; i++) batch[i] = (float) (g[i] + Math.sqrt(s[i] / batchSize) * rng.nextGaussian());
            acc.add(ParamVector.fromHost(CpuBackend.get(), layout, batch));
        }
        GradientNoiseScale.Result r = acc.result(batchSize);
        System.out.printf("seed %d: B_simple %.4f (true 16), ‖G‖² %.5f (true 1), tr Σ %.4f (true 16), signal-to-noise %.4f%n",
                seed, r.bSimple(), r.gradientNormSquared(), r.traceSigma(), r.signalToNoise());
        // Standard errors with K = 20000: ‖G‖² about 0.005 (2‖G‖·√(trΣ/(BK)) / √p-ish), tr Σ about 0.06.
        // 5% of the true values is several standard errors for both.
        assertEquals(1, r.gradientNormSquared(), 0.05, "seed " + seed);
        assertEquals(16, r.traceSigma(), 0.05 * 16, "seed " + seed);
        assertEquals(16, r.bSimple(), 0.05 * 16, "seed " + seed);
        // The study's ratio estimates (‖G‖² + trΣ/(BK)) / (trΣ/B · (1 − 1/K)) ≈ B / B_simple = 2.
        double expectedRatio = (1 + 16.0 / (batchSize * k)) / (16.0 / batchSize * (1 - 1.0 / k));
        assertEquals(expectedRatio, r.signalToNoise(), 0.05 * expectedRatio, "seed " + seed);
        assertEquals(batchSize, r.batchSize());
        assertEquals(k, r.batches());
    }

    /**
     * Many gradients dominated by their mean, where ‖ḡ‖² and mean_k ‖g_k‖² agree to 3 digits and the
     * spread is their difference: the device sum must be as good as float64. The reference sums the
     * same float32 gradients in float64. A plain float32 sum of these 30,000 terms of size ~1 would
     * be off by ~√K·ulp(K)/2 ≈ 0.2 per entry, a relative 1e-5 in ‖ḡ‖², 1% of the spread;
     * the compensated sum is off by ~ulp(K) / K, 1e-4 of the spread.
     */
    @Test
    void theDeviceSumIsCompensatedSoASmallSpreadSurvivesManyGradients() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        int p = 16, k = 30_000;
        ParamLayout layout = ParamLayout.vector(p);
        GradientNoiseScale.Accumulator acc = new GradientNoiseScale.Accumulator(p);
        double[] sum = new double[p];
        double squares = 0;
        float[] g = new float[p];
        for (int b = 0; b < k; b++) {
            for (int i = 0; i < p; i++) {
                g[i] = (float) (1 + 0.03 * rng.nextGaussian());
                sum[i] += g[i];
                squares += (double) g[i] * g[i];
            }
            acc.add(ParamVector.fromHost(CpuBackend.get(), layout, g));
        }
        double meanNorm2 = 0;
        for (double x : sum) meanNorm2 += (x / k) * (x / k);
        double spread = squares / k - meanNorm2;
        GradientNoiseScale.Result r = acc.result(1);
        assertEquals(meanNorm2, r.meanGradientNormSquared(), 1e-7 * meanNorm2, "seed " + seed + ": ‖ḡ‖²");
        double gotSpread = r.meanBatchGradientNormSquared() - r.meanGradientNormSquared();
        assertEquals(spread, gotSpread, 1e-3 * spread, "seed " + seed + ": mean_k ‖g_k‖² − ‖ḡ‖², the noise");
    }

    @Test
    void theMeanOfBatchGradientsThatTileTheDataIsTheFullGradient() {
        long seed = Compare.seed();
        SplittableRandom rng = new SplittableRandom(seed);
        Sequential model = TinyProblems.mlp();
        Dataset data = TinyProblems.randomData(40, 3, rng);
        ParamVector theta = model.initialParameters(CpuBackend.get(), rng.nextLong());
        GradientNoiseScale.Result r = GradientNoiseScale.measure(new Objective(model, Mode.EVAL), theta, data, 8, 5, seed);
        ParamVector full = theta.zerosLike();
        new DatasetLoss(model, data, 40, CpuBackend.get()).gradient(theta, full);
        // 5 disjoint batches of 8 cover all 40 examples, so ḡ = ∇L over the whole set; float32 gradients.
        double expected = full.dot(full);
        assertEquals(expected, r.meanGradientNormSquared(), 1e-5 * expected, "seed " + seed);
        assertEquals(8, r.batchSize());
        assertEquals(5, r.batches());
    }
}
