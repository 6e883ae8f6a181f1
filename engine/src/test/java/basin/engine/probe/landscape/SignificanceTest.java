package basin.engine.probe.landscape;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * p-values against closed forms and against scipy 1.17 ({@code scipy.stats.pearsonr} and
 * {@code kendalltau} with their defaults), whose numbers are written below with the samples.
 */
class SignificanceTest {

    @Test
    void studentTailsMatchTheirClosedFormsForOneAndTwoDegreesOfFreedom() {
        // ν = 1 (Cauchy): P(|T| ≥ t) = 1 − (2/π) atan t;  ν = 2: P(|T| ≥ t) = 1 − t/√(2 + t²).
        for (double t : new double[] {0.1, 0.7, 1.5, 4, 30}) {
            double r1 = t / Math.sqrt(1 + t * t), r2 = t / Math.sqrt(2 + t * t);      // r from t with n − 2 = ν
            assertEquals(1 - 2 / Math.PI * Math.atan(t), Significance.pearsonPValue(r1, 3), 1e-12, "ν = 1, t = " + t);
            assertEquals(1 - t / Math.sqrt(2 + t * t), Significance.pearsonPValue(r2, 4), 1e-12, "ν = 2, t = " + t);
        }
    }

    @Test
    void erfcMatchesKnownValues() {
        assertEquals(0.8875370839817152, Significance.erfc(0.1), 1e-14);
        assertEquals(0.15729920705028513, Significance.erfc(1.0), 1e-14);
        assertEquals(1.5374597944280349e-12, Significance.erfc(5.0), 1e-24);
    }

    @Test
    void pValuesMatchScipyOnSmallSamples() {
        double[] x = {1, 2, 3, 4, 5, 6}, y = {2.1, 1.9, 3.5, 3.9, 6.0, 5.2};
        assertEquals(0.9209917702449851, Correlation.pearson(x, y), 1e-14);
        assertEquals(0.00911685400265413, Significance.pearsonPValue(Correlation.pearson(x, y), 6), 1e-12);
        assertEquals(0.7333333333333333, Correlation.kendallTauB(x, y), 1e-14);
        assertEquals(0.05555555555555555, Significance.kendallPValue(x, y), 1e-14, "exact: no ties, n ≤ 33");
    }

    @Test
    void kendallWithTiesUsesTheTieCorrectedNormalApproximationAsScipyDoes() {
        double[] x = {0.3, 0.1, 0.4, 0.15, 0.9, 0.26, 0.53, 0.58, 0.97}, y = {9, 2, 6, 5, 3, 5, 8, 9, 7};
        assertEquals(0.34299717028501764, Correlation.kendallTauB(x, y), 1e-14);
        assertEquals(0.2059032107320684, Significance.kendallPValue(x, y), 1e-12);
        assertEquals(0.6295263496410469, Significance.pearsonPValue(Correlation.pearson(x, y), 9), 1e-12);
    }

    @Test
    void longSamplesWithoutTiesUseTheNormalApproximation() {
        int n = 40;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i / 39.0;                              // numpy.linspace(0, 1, 40)
            y[i] = Math.sin(3.0 * i / 39.0);              // sin(linspace(0, 3, 40))
        }
        assertEquals(0.07435897435897437, Correlation.kendallTauB(x, y), 1e-14);
        assertEquals(0.49919303182919805, Significance.kendallPValue(x, y), 1e-12);
        assertEquals(0.31295479362099854, Significance.pearsonPValue(Correlation.pearson(x, y), n), 1e-12);
    }
}
