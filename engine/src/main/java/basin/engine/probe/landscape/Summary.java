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
        double mean = sum / x.length, ss = 0;
        for (double v : x) ss += (v - mean) * (v - mean);
        return new Summary(x.length, mean, x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0, min, max);
    }
}
