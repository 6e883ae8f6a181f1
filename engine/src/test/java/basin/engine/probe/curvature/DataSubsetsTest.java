package basin.engine.probe.curvature;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subsets of {@link DataSubsets} cover 0 … N − 1 once, in order, with sizes differing by at most one. */
class DataSubsetsTest {

    @Test
    void subsetsAreContiguousDisjointAndDifferInSizeByAtMostOne() {
        for (int n = 1; n <= 40; n++) {
            for (int r = 1; r <= n; r++) {
                int[] lo = DataSubsets.bounds(n, r);
                assertEquals(0, lo[0]);
                assertEquals(n, lo[r], "N = " + n + ", R = " + r);
                int smallest = Integer.MAX_VALUE, largest = 0;
                for (int k = 0; k < r; k++) {
                    int size = lo[k + 1] - lo[k];
                    smallest = Math.min(smallest, size);
                    largest = Math.max(largest, size);
                    if (k > 0) assertTrue(size <= lo[k] - lo[k - 1], "the larger subsets come first, as numpy's array_split");
                }
                assertTrue(smallest >= 1 && largest - smallest <= 1, "N = " + n + ", R = " + r + ": sizes " + smallest + " … " + largest);
            }
        }
    }

    @Test
    void moreSubsetsThanExamplesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSubsets.bounds(3, 4));
        assertTrue(e.getMessage().contains("4 subsets of 3 examples"), e.getMessage());
    }

    @Test
    void spreadIsMeanSampleSdAndRange() {
        DataSubsets.Spread s = DataSubsets.Spread.of(2.5, new double[] {1, 2, 4});
        assertEquals(7.0 / 3, s.mean(), 1e-15);
        double ss = Math.pow(1 - 7.0 / 3, 2) + Math.pow(2 - 7.0 / 3, 2) + Math.pow(4 - 7.0 / 3, 2);
        assertEquals(Math.sqrt(ss / 2), s.sd(), 1e-15);
        assertEquals(1, s.min());
        assertEquals(4, s.max());
        assertEquals(2.5, s.full());
    }
}
