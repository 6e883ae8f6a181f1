package basin.engine.probe.landscape;

/**
 * The loss barrier along a path θ(t), t ∈ [0, 1], from the losses at points t₀ = 0 &lt; … &lt; t_n = 1:
 * <pre>
 *   barrier           = max_t L(θ(t)) − min(L(θ(0)), L(θ(1)))                   (Garipov et al. 2018)
 *   barrierAboveMix   = max_t [L(θ(t)) − ((1 − t) L(θ(0)) + t L(θ(1)))]          (Frankle et al. 2020)
 * </pre>
 * The first measures how far above the better end the path climbs; the second how far above the
 * straight line between the end losses, so it is zero for a convex path whatever the end losses.
 * Both are ≥ 0 because the ends are on the path. {@code argmax} is the t where the first is attained.
 */
public record Barrier(double barrier, double barrierAboveMix, double argmax, double lossStart, double lossEnd) {

    /** The barriers of a path from its losses; ts must start at 0 and end at 1. */
    public static Barrier of(double[] ts, double[] losses) {
        int n = ts.length;
        if (n < 2 || n != losses.length) throw new IllegalArgumentException("barrier: need ≥ 2 points with one loss each, got " + n + " and " + losses.length);
        if (ts[0] != 0 || ts[n - 1] != 1) throw new IllegalArgumentException("barrier: the path must start at t = 0 and end at t = 1, got " + ts[0] + " … " + ts[n - 1]);
        double start = losses[0], end = losses[n - 1];
        double max = Double.NEGATIVE_INFINITY, aboveMix = Double.NEGATIVE_INFINITY, argmax = 0;
        for (int i = 0; i < n; i++) {
            if (losses[i] > max) {
                max = losses[i];
                argmax = ts[i];
            }
            aboveMix = Math.max(aboveMix, losses[i] - ((1 - ts[i]) * start + ts[i] * end));
        }
        return new Barrier(max - Math.min(start, end), aboveMix, argmax, start, end);
    }
}
