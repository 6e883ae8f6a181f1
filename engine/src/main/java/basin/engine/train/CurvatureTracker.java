package basin.engine.train;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.HutchinsonTrace;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Sharpness;
import basin.engine.data.Dataset;
import basin.kernels.Backend;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Curvature measured during training (Cohen et al. 2021, "Gradient Descent on Neural Networks
 * Typically Occurs at the Edge of Stability"): at chosen steps, on a fixed probe set of examples,
 * <pre>
 *   λmax     the top Ritz value of the Hessian after m Lanczos steps, with its residual ‖Hx − λx‖
 *   S_ε      random-direction sharpness: max and mean of L(θ + ε d_k) − L(θ) over unit directions d_k
 *   tr H     Hutchinson's estimate with its standard error
 * </pre>
 * beside the stability threshold of the optimiser ({@link basin.engine.optim.Sgd#stabilityThreshold}).
 *
 * <p>Measuring never changes the trajectory: the probes run in eval mode (BatchNorm reads its
 * running statistics and updates nothing, dropout is off and draws no mask), perturb copies of θ,
 * and draw their random vectors from the tracker's own generator. {@code basin train --track} ends
 * with the same θ, bit for bit on the CPU, as a run without it.
 */
public final class CurvatureTracker {
    /** Examples per batch of the probe set's HVPs (the results do not depend on it, the memory does). */
    public static final int PROBE_BATCH = 500;


    /** What to measure. */
    public enum Measure {
        LAMBDA_MAX("lambda-max"), SHARPNESS("sharpness"), TRACE("trace");

        private final String option;

        Measure(String option) {
            this.option = option;
        }

        public String option() {
            return option;
        }

        /** {@code lambda-max,sharpness,trace} (any subset) as measures. */
        public static Set<Measure> parse(String list) {
            Set<Measure> s = EnumSet.noneOf(Measure.class);
            for (String part : list.split(",")) {
                Measure found = null;
                for (Measure m : values()) if (m.option.equals(part.trim())) found = m;
                if (found == null) throw new IllegalArgumentException("--track: '" + part + "' is not lambda-max, sharpness or trace");
                s.add(found);
            }
            return s;
        }
    }

    /**
     * How to measure: which measures, Lanczos steps for λmax, the radius ε and number of directions
     * of the sharpness, the relative error and cap of the trace estimate, and the seed of the draws.
     */
    public record Config(Set<Measure> measures, int lanczosSteps, double epsilon, int directions, double traceRelativeError,
                         int traceMaxSamples, long seed) {
        public Config {
            if (measures.isEmpty()) throw new IllegalArgumentException("track: nothing to measure");
            if (lanczosSteps < 2 || directions < 1 || !(epsilon > 0)) {
                throw new IllegalArgumentException("track: need ≥ 2 Lanczos steps, ≥ 1 direction and ε > 0, got "
                        + lanczosSteps + ", " + directions + ", " + epsilon);
            }
        }
    }

    /** One measurement; fields not measured are NaN. {@code step} counts SGD steps from the start of the run. */
    public record Point(long step, int epoch, int stepInEpoch, double learningRate, double threshold,
                        double lambdaMax, double lambdaResidual, double sharpnessMax, double sharpnessMean,
                        double trace, double traceStandardError, double seconds) {

        /** The columns of {@link #values}, for CSV and JSON. */
        public static final String[] COLUMNS = {"step", "epoch", "step_in_epoch", "lr", "stability_threshold", "lambda_max",
                "lambda_max_residual", "sharpness_max", "sharpness_mean", "trace", "trace_stderr", "seconds"};

        public double[] values() {
            return new double[] {step, epoch, stepInEpoch, learningRate, threshold, lambdaMax, lambdaResidual, sharpnessMax,
                    sharpnessMean, trace, traceStandardError, seconds};
        }
    }

    private final Sequential model;
    private final Dataset probeSet;
    private final Config config;
    private final SplittableRandom rng;
    private final Listener listener;

    /**
     * Receives each measurement as it happens, for a teaching trace: where it is taken, every Lanczos
     * step and Hutchinson sample of it, and the point it gives.
     */
    public interface Listener extends Lanczos.Listener, HutchinsonTrace.Listener {
        /** A measurement begins at SGD step {@code step}, on {@code examples} probe examples, against {@code threshold}. */
        void onMeasurement(long step, int epoch, double learningRate, double threshold, int examples);

        /** The measurement's result, as it goes into curvature.csv. */
        void onPoint(Point point);
    }

    /** A tracker over {@code probeSet} (measured as one set of examples, staged on the device once per measurement). */
    public CurvatureTracker(Sequential model, Dataset probeSet, Config config) {
        this(model, probeSet, config, null);
    }

    /** The same tracker, showing each measurement to {@code listener} (may be null); what it measures does not change. */
    public CurvatureTracker(Sequential model, Dataset probeSet, Config config, Listener listener) {
        this.model = model;
        this.probeSet = probeSet;
        this.config = config;
        this.rng = new SplittableRandom(config.seed());
        this.listener = listener;
    }

    public Dataset probeSet() {
        return probeSet;
    }

    public Config config() {
        return config;
    }

    /** Measures at θ; {@code threshold} is the optimiser's stability threshold at this step's learning rate. */
    public Point measure(ParamVector theta, long step, int epoch, int stepInEpoch, double learningRate, double threshold) {
        long start = System.nanoTime();
        if (listener != null) listener.onMeasurement(step, epoch, learningRate, threshold, probeSet.count());
        Backend backend = theta.backend();
        java.util.List<Batch> batches = new DeviceBatches(backend, probeSet, PROBE_BATCH).resident();
        HessianOperator h = new HessianOperator(new Objective(model, Mode.EVAL), theta, batches);
        double lambda = Double.NaN, residual = Double.NaN, sMax = Double.NaN, sMean = Double.NaN, trace = Double.NaN, se = Double.NaN;
        if (config.measures().contains(Measure.LAMBDA_MAX)) {
            Lanczos.Result r = Lanczos.run(h, config.lanczosSteps(), rng.split(), listener);
            lambda = r.topK(1)[0];
            residual = r.residual(h, 0);
        }
        if (config.measures().contains(Measure.SHARPNESS)) {
            Sharpness.RandomDirections s = Sharpness.randomDirections(new DatasetLoss(model, probeSet, 500, backend), theta,
                    config.epsilon(), config.directions(), rng.split());
            sMax = s.max();
            sMean = s.mean();
        }
        if (config.measures().contains(Measure.TRACE)) {
            HutchinsonTrace.Result t = HutchinsonTrace.estimate(h, config.traceRelativeError(), config.traceMaxSamples(), rng.split(), listener);
            trace = t.trace();
            se = t.standardError();
        }
        for (double v : new double[] {lambda, residual, sMax, sMean, trace}) {
            if (Double.isInfinite(v)) {
                throw new ArithmeticException(String.format(Locale.ROOT, "track: a curvature measure is infinite at step %d (epoch %d)", step, epoch));
            }
        }
        Point point = new Point(step, epoch, stepInEpoch, learningRate, threshold, lambda, residual, sMax, sMean, trace, se,
                (System.nanoTime() - start) / 1e9);
        if (listener != null) listener.onPoint(point);
        return point;
    }
}
