package basin.experiments.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CallTimesTest {

    /** Linear interpolation between order statistics, as numpy.quantile's default: exact on these values. */
    @Test
    void quartilesInterpolateBetweenTheSortedTimes() {
        CallTimes t = CallTimes.of(new double[] {4, 1, 3, 2});
        assertEquals(2.5, t.median());
        assertEquals(1.75, t.quantile(0.25));
        assertEquals(3.25, t.quantile(0.75));
        assertEquals(1.5, t.interquartileRange());
        assertEquals(1, t.min());
        assertEquals(4, t.max());
        assertEquals(400, t.callsPerSecond());
    }
}
