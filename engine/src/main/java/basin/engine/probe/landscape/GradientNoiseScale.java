package basin.engine.probe.landscape;

import basin.engine.data.Batches;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.train.DeviceBatches;
import basin.kernels.Backend;

/**
 * The gradient noise scale from K gradients g₁ … g_K of batches of B examples each (McCandlish et al.
 * 2018, "An Empirical Model of Large-Batch Training", §2.2 and appendix A). With G the true gradient
 * and Σ the per-example covariance, a batch gradient has mean G and covariance Σ/B. Two estimates:
 * <pre>
 *   signal-to-noise      ‖ḡ‖² / (mean_k ‖g_k‖² − ‖ḡ‖²)                    the two-minima study's ratio
 *   B_simple             tr(Σ) / ‖G‖²
 *     with the unbiased estimators of appendix A, taking B_small = B and B_big = KB (ḡ is the
 *     gradient of the K batches together):
 *       ‖G‖²  ≈ (K ‖ḡ‖² − mean_k ‖g_k‖²) / (K − 1)
 *       tr Σ  ≈ B K / (K − 1) · (mean_k ‖g_k‖² − ‖ḡ‖²)
 * </pre>
 * The first is about B / B_simple: large when one batch's gradient already points the true way.
 * B_simple is the batch size at which the gradient noise and signal are of equal size, the
 * "critical batch size" of the paper. The gradients stay on the device: Σ_k g_k is a compensated
 * (Kahan) float32 sum there, as accurate as a float64 sum rounded once to float32, and the norms are
 * float64 dot products, so each gradient sends only its ‖g_k‖² to the host.
 *
 * <p>The gradients should be those SGD follows: for a model with BatchNorm each batch is normalised
 * by its own mean and variance, as in a training step ({@link #sgdMode}), not by the running
 * averages that eval mode reads. Dropout stays off in either case, so that each batch gradient is a
 * deterministic function of θ and the spread between batches is the data's alone.
 */
public final class GradientNoiseScale {
    private GradientNoiseScale() {
    }

    /**
     * The mode whose batch gradients SGD follows, made deterministic: {@link Mode#BATCH_STATISTICS}
     * for a model with BatchNorm (each batch normalised by its own statistics, running averages
     * neither read nor updated, no dropout), {@link Mode#EVAL} for one without (the same gradient:
     * with no BatchNorm the two modes differ only in dropout, which both leave off).
     */
    public static Mode sgdMode(Sequential model) {
        return RunningStatistics.of(model).present() ? Mode.BATCH_STATISTICS : Mode.EVAL;
    }

    /** Receives each batch gradient's terms, for a teaching trace: its loss and ‖g_k‖². */
    public interface Listener {
        /** Batch k (from 1) of {@code examples} examples had loss L_k and gradient norm ‖g_k‖². */
        void onBatch(int k, int examples, double loss, double gradientNormSquared);
    }

    /** Both estimates with what they were computed from. */
    public record Result(int batchSize, int batches, double meanGradientNormSquared, double meanBatchGradientNormSquared,
                         double signalToNoise, double gradientNormSquared, double traceSigma, double bSimple) {
    }

    /**
     * Running sums Σ_k g_k and Σ_k ‖g_k‖², so K gradients need O(p) memory. The vector sum is Kahan's
     * compensated sum on the gradients' device: with c the low-order part lost so far,
     * <pre>
     *   y ← g − c;   t ← s + y;   c ← (t − s) − y;   s ← t
     * </pre>
     * so its error stays near one float32 rounding whatever K (a plain float32 sum of K terms drifts
     * by up to K roundings, and ‖ḡ‖² is then subtracted from a number of about its size).
     */
    public static final class Accumulator {
        private final int p;
        private ParamVector sum, compensation, y, t;        // on the device of the first gradient
        private double sumOfSquaredNorms;
        private int count;

        public Accumulator(int p) {
            this.p = p;
        }

        /** Adds one batch gradient g_k. */
        public void add(ParamVector g) {
            if (g.dim() != p) throw new IllegalArgumentException("noise scale: gradient of " + g.dim() + " entries, expected " + p);
            if (sum == null) {
                sum = g.zerosLike();
                compensation = g.zerosLike();
                y = g.zerosLike();
                t = g.zerosLike();
            }
            Backend backend = sum.backend();
            backend.sub(g.buffer(), compensation.buffer(), y.buffer());          // y = g − c
            backend.add(sum.buffer(), y.buffer(), t.buffer());                   // t = s + y
            backend.sub(t.buffer(), sum.buffer(), compensation.buffer());        // c = (t − s) − y
            backend.sub(compensation.buffer(), y.buffer(), compensation.buffer());
            ParamVector swap = sum;                                              // s = t
            sum = t;
            t = swap;
            sumOfSquaredNorms += g.dot(g);
            count++;
        }

        public int count() {
            return count;
        }

        /** The estimates, for gradients of batches of {@code batchSize} examples; needs K ≥ 2. */
        public Result result(int batchSize) {
            int k = count;
            if (k < 2) throw new IllegalArgumentException("noise scale: need at least 2 batch gradients, got " + k);
            sum.backend().sub(sum.buffer(), compensation.buffer(), y.buffer());  // s − c: the sum with its lost low part restored
            double meanNorm2 = y.dot(y) / ((double) k * k);                  // ‖ḡ‖² = ‖Σ_k g_k‖² / K²
            double batchNorm2 = sumOfSquaredNorms / k;                     // mean_k ‖g_k‖²
            double spread = batchNorm2 - meanNorm2;                        // ≈ tr(Σ)/B · (K−1)/K
            double g2 = (k * meanNorm2 - batchNorm2) / (k - 1);
            double trace = (double) batchSize * k / (k - 1) * spread;
            return new Result(batchSize, k, meanNorm2, batchNorm2, meanNorm2 / spread, g2, trace, trace / g2);
        }
    }

    /**
     * Gradients of the objective at θ on the first {@code count} batches of {@code batchSize} examples
     * of a seeded shuffle of {@code data} (disjoint batches, all full), and both estimates.
     */
    public static Result measure(Objective objective, ParamVector theta, Dataset data, int batchSize, int count, long seed) {
        return measure(objective, theta, data, batchSize, count, seed, null);
    }

    /** {@link #measure(Objective, ParamVector, Dataset, int, int, long)}, showing each batch to {@code listener} (may be null). */
    public static Result measure(Objective objective, ParamVector theta, Dataset data, int batchSize, int count, long seed, Listener listener) {
        Batches order = new Batches(data, batchSize, Batches.LastBatch.DROP, seed);
        if (count < 2 || count > order.count()) {
            throw new IllegalArgumentException("noise scale: " + count + " batches of " + batchSize + " asked, "
                    + data.name() + " holds " + order.count() + " disjoint full batches (and at least 2 are needed)");
        }
        DeviceBatches batches = new DeviceBatches(theta.backend(), data, order);
        Accumulator acc = new Accumulator(theta.dim());
        ParamVector g = theta.zerosLike();
        for (int b = 0; b < count; b++) {
            double loss = objective.gradient(theta, batches.get(b), g);
            if (!Double.isFinite(loss)) throw new ArithmeticException("noise scale: loss of batch " + b + " is " + loss);
            acc.add(g);
            if (listener != null) listener.onBatch(b + 1, batches.get(b).size(), loss, g.dot(g));
        }
        return acc.result(batchSize);
    }
}
