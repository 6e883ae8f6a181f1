package basin.experiments.bench;

import java.util.Arrays;

/**
 * The measured durations of repeated calls of one operation, in milliseconds, and their summary:
 * the median as the number, the interquartile range and the min–max as the spread.
 *
 * <p>The median rather than the mean, because a shared machine produces one-sided outliers (another
 * process takes the core for a while) that drag the mean but not the median. Quantiles interpolate
 * linearly between order statistics, as {@code benchmarks/.../Summary} and numpy's default do.
 */
public record CallTimes(double[] sortedMs) {

    /** The summary of {@code ms}, one duration per call (not modified). */
    public static CallTimes of(double[] ms) {
        if (ms.length == 0) throw new IllegalArgumentException("call times: no calls were timed");
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        return new CallTimes(sorted);
    }

    /** The number of timed calls. */
    public int calls() {
        return sortedMs.length;
    }

    /** The q-quantile, 0 ≤ q ≤ 1, interpolated between the two nearest order statistics. */
    public double quantile(double q) {
        double position = q * (sortedMs.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sortedMs.length - 1);
        return sortedMs[below] + (position - below) * (sortedMs[above] - sortedMs[below]);
    }

    public double median() {
        return quantile(0.5);
    }

    /** Q3 − Q1. */
    public double interquartileRange() {
        return quantile(0.75) - quantile(0.25);
    }

    public double min() {
        return sortedMs[0];
    }

    public double max() {
        return sortedMs[sortedMs.length - 1];
    }

    /** Calls per second at the median duration. */
    public double callsPerSecond() {
        return 1000 / median();
    }
}
