package basin.engine.probe.curvature;

import basin.engine.probe.landscape.Summary;

/**
 * Error bars across data: the N examples of a probe split into R disjoint, contiguous subsets in
 * file order, so the same probe rerun on each shows how much its estimate swings with the sample of
 * data it sees (λmax moves by several times across mini-batches). Subset r holds examples
 * <pre>
 *   [lo_r, hi_r),   lo_r = r·⌊N/R⌋ + min(r, N mod R),   |subset r| = ⌊N/R⌋ + [r &lt; N mod R]
 * </pre>
 * so the sizes differ by at most one, the first N mod R being the larger, as numpy's
 * {@code array_split}. The spread of R estimates is their mean, sample standard deviation (R − 1)
 * and range, reported beside the estimate on all N examples.
 */
public final class DataSubsets {
    private DataSubsets() {
    }

    /**
     * The R + 1 boundaries lo_0 = 0 &lt; lo_1 &lt; … &lt; lo_R = N of R contiguous subsets of N examples.
     *
     * @throws IllegalArgumentException when R &lt; 1 or R &gt; N (a subset would be empty)
     */
    public static int[] bounds(int n, int r) {
        if (r < 1) throw new IllegalArgumentException("subsets: need R ≥ 1 subsets, got " + r);
        if (r > n) throw new IllegalArgumentException("subsets: " + r + " subsets of " + n + " examples would leave some empty");
        int base = n / r, larger = n % r;
        int[] lo = new int[r + 1];
        for (int k = 0; k <= r; k++) lo[k] = k * base + Math.min(k, larger);
        return lo;
    }

    /**
     * One estimate over the subsets beside its full-data value.
     *
     * @param full   the estimate on all N examples
     * @param values the estimate on each subset, in subset order
     * @param mean   their mean
     * @param sd     their sample standard deviation (R − 1 in the denominator; 0 for R = 1)
     * @param min    the smallest
     * @param max    the largest
     */
    public record Spread(double full, double[] values, double mean, double sd, double min, double max) {
        /** The spread of {@code values} in float64, beside {@code full}. */
        public static Spread of(double full, double[] values) {
            Summary s = Summary.of(values);
            return new Spread(full, values.clone(), s.mean(), s.std(), s.min(), s.max());
        }
    }
}
