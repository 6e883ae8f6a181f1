package basin.engine.probe.landscape;

/** Mean, sample standard deviation (n − 1), min and max of a sample, in float64. */
public record Summary(int n, double mean, double std, double min, double max) {

    public static Summary of(double[] x) {
        if (x.length == 0) throw new IllegalArgumentException("summary: empty sample");
        double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        // A constant sample (weight noise at σ = 0) is its own mean with no spread; the rounded sum would
        // give 0.926 × 5 / 5 = 0.9259999999999999 and a standard deviation of 1e-16.
        if (min == max) return new Summary(x.length, min, 0, min, max);
        double mean = sum / x.length, ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        return new Summary(x.length, mean, x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0, min, max);
    }
}
