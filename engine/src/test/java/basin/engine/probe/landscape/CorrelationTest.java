package basin.engine.probe.landscape;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pearson and Kendall τ_b against values worked out by hand. */
class CorrelationTest {

    @Test
    void pearsonAndKendallMatchHandComputedValuesWithoutTies() {
        // x = 1..5, y = 2,1,4,3,5: deviations (−2,−1,0,1,2) and (−1,−2,1,0,2), Σdxdy = 8, Σdx² = Σdy² = 10 → r = 0.8.
        // Pairs (1,2) and (3,4) are discordant, the other 8 concordant → τ = (8 − 2)/10 = 0.6.
        List<Correlation.Run> runs = List.of(new Correlation.Run("a", 1, 2), new Correlation.Run("b", 2, 1),
                new Correlation.Run("c", 3, 4), new Correlation.Run("d", 4, 3), new Correlation.Run("e", 5, 5));
        Correlation.Result r = Correlation.of(runs);
        assertEquals(0.8, r.pearson(), 1e-15);
        assertEquals(0.6, r.kendallTauB(), 1e-15);
        assertEquals(runs, r.runs());
    }

    @Test
    void kendallTauBCorrectsForTies() {
        // x = 1,1,2,3 and y = 1,2,2,3: one pair tied in x, one in y, the other four concordant:
        // τ_b = 4/√((6 − 1)(6 − 1)) = 0.8 (scipy.stats.kendalltau gives 0.8). Pearson: Σdxdy = 2,
        // Σdx² = 2.75, Σdy² = 2 → r = 2/√5.5.
        double[] x = {1, 1, 2, 3}, y = {1, 2, 2, 3};
        assertEquals(0.8, Correlation.kendallTauB(x, y), 1e-15);
        assertEquals(2 / Math.sqrt(5.5), Correlation.pearson(x, y), 1e-15);
        // Reversing y reverses the sign of both.
        double[] reversed = {-1, -2, -2, -3};
        assertEquals(-0.8, Correlation.kendallTauB(x, reversed), 1e-15);
        assertEquals(-2 / Math.sqrt(5.5), Correlation.pearson(x, reversed), 1e-15);
    }

    @Test
    void aRunWithANonFiniteValueIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Correlation.of(List.of(new Correlation.Run("seed0", 1, 0.9), new Correlation.Run("seed42", Double.NaN, 0.8))));
        assertEquals(true, e.getMessage().contains("seed42"), e.getMessage());
    }
}
