package basin.engine.probe.landscape;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Mean and spread of a sample of draws. */
class SummaryTest {

    @Test
    void aConstantSampleIsItsOwnMeanWithZeroSpread() {
        // 0.926 five times: the float64 sum divided by 5 is 0.9259999999999999, not 0.926.
        Summary s = Summary.of(new double[] {0.926, 0.926, 0.926, 0.926, 0.926});
        assertEquals(0.926, s.mean(), 0);
        assertEquals(0, s.std(), 0);
    }

    @Test
    void theStandardDeviationDividesByNMinusOne() {
        Summary s = Summary.of(new double[] {1, 2, 3, 4});
        assertEquals(2.5, s.mean(), 0);
        assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-15);       // Σ(x − 2.5)² = 5 over n − 1 = 3
        assertEquals(1, s.min(), 0);
        assertEquals(4, s.max(), 0);
    }
}
