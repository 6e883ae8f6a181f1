package basin.engine.probe.landscape;

import basin.engine.data.Batches;
import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import basin.engine.optim.Sgd;
import basin.engine.train.DeviceBatches;

import java.util.SplittableRandom;

/**
 * A quadratic Bezier curve between two trained models, with its control point trained so that the
 * whole curve has low loss (Garipov et al. 2018, "Loss Surfaces, Mode Connectivity, and Fast
 * Ensembling of DNNs", §3.2 and {@code curves.Bezier}):
 * <pre>
 *   φ_θ(t) = (1 − t)² θ_A + 2t(1 − t) θ_c + t² θ_B,      t ∈ [0, 1], ends fixed
 *   minimise  E_{t ~ U(0,1)} L(φ_θ(t))  over θ_c:
 *     each step: draw t ~ U(0, 1) and a mini-batch, compute g = ∇L(φ_θ(t)),
 *                then ∂L/∂θ_c = 2t(1 − t) g  (the chain rule through φ), and take an SGD step on θ_c
 * </pre>
 * θ_c starts at the midpoint (θ_A + θ_B)/2, where the curve is the straight segment ({@code init_linear}).
 * The curve is also the plane point θ_A + t·2(θ_c − θ_A) + t²(θ_A − 2θ_c + θ_B), which is how it is measured.
 *
 * <p>With BatchNorm, Garipov et al. train in train mode (each batch normalised by its own statistics,
 * so the objective passed to {@link #train} should be a {@link basin.engine.nn.Mode#TRAIN} one on a
 * model of its own) and recompute the running statistics at each t before evaluating ({@code
 * update_bn}), which {@link #measure} requires of its loss.
 */
public final class BezierCurve {
    private final ParamVector thetaA, thetaB, control;

    /** The training run: SGD on θ_c (torch.optim.SGD semantics), t and the batch order from {@code seed}. */
    public record TrainConfig(int epochs, int batchSize, double learningRate, double momentum, double weightDecay, long seed) {
        public TrainConfig {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("curve: need epochs ≥ 1, batch ≥ 1 and lr > 0, got " + epochs + ", " + batchSize + ", " + learningRate);
            }
        }
    }

    /** Receives the training as it goes, for a teaching trace: each step's t and loss, each epoch's mean loss. */
    public interface Listener {
        /** Step {@code step} of epoch {@code epoch} (both from 1) drew t and measured L(φ(t)) on its batch. */
        void onStep(int epoch, int step, double t, double loss);

        /** Epoch {@code epoch} ended with this mean of L(φ(t)) over its examples; θ_c holds its update. */
        void onEpoch(int epoch, double meanLoss);
    }

    /** The mean training loss L(φ(t)) of each epoch (over the t drawn in it) and the number of steps. */
    public record TrainLog(double[] epochLosses, int steps) {
    }

    private BezierCurve(ParamVector thetaA, ParamVector thetaB, ParamVector control) {
        this.thetaA = thetaA;
        this.thetaB = thetaB;
        this.control = control;
    }

    /** The curve from θ_A to θ_B with θ_c at the midpoint: the straight segment. */
    public static BezierCurve between(ParamVector thetaA, ParamVector thetaB) {
        Directions.requireSameLayout(thetaA.layout(), thetaB.layout(), "model A", "model B");
        ParamVector c = thetaA.copy();
        c.axpy(1, thetaB);
        c.scal(0.5);
        return new BezierCurve(thetaA.copy(), thetaB.copy(), c);
    }

    /** θ_c, the control point (live: training moves it). */
    public ParamVector control() {
        return control;
    }

    /** out ← φ(t) = (1 − t)² θ_A + 2t(1 − t) θ_c + t² θ_B. */
    public void point(double t, ParamVector out) {
        out.copyFrom(thetaA);
        out.scal((1 - t) * (1 - t));
        out.axpy(2 * t * (1 - t), control);
        out.axpy(t * t, thetaB);
    }

    /** Trains θ_c on {@code data} by SGD, one t ~ U(0, 1) per step. */
    public TrainLog train(Objective objective, Dataset data, TrainConfig config) {
        return train(objective, data, config, null);
    }

    /** {@link #train(Objective, Dataset, TrainConfig)}, showing each step and epoch to {@code listener} (may be null). */
    public TrainLog train(Objective objective, Dataset data, TrainConfig config, Listener listener) {
        SplittableRandom rng = new SplittableRandom(config.seed());
        Batches order = new Batches(data, config.batchSize(), Batches.LastBatch.KEEP, rng.nextLong());
        DeviceBatches batches = new DeviceBatches(control.backend(), data, order);
        Sgd sgd = new Sgd(config.momentum(), 0, config.weightDecay());
        ParamVector phi = control.zerosLike(), g = control.zerosLike();
        double[] epochLosses = new double[config.epochs()];
        int steps = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            order.shuffle();
            double sum = 0;
            int seen = 0;
            for (int b = 0; b < batches.count(); b++) {
                Batch batch = batches.get(b);
                double t = rng.nextDouble();                               // t ~ U(0, 1)
                point(t, phi);
                double loss = objective.gradient(phi, batch, g);           // g = ∇L(φ(t))
                if (!Double.isFinite(loss)) throw new ArithmeticException("curve: loss " + loss + " at epoch " + (epoch + 1) + ", step " + (b + 1) + ", t = " + t);
                g.scal(2 * t * (1 - t));                                   // ∂L/∂θ_c = 2t(1 − t) g
                sgd.step(control, g, config.learningRate());
                sum += loss * batch.size();
                seen += batch.size();
                steps++;
                if (listener != null) listener.onStep(epoch + 1, b + 1, t, loss);
            }
            epochLosses[epoch] = sum / seen;
            if (listener != null) listener.onEpoch(epoch + 1, epochLosses[epoch]);
        }
        return new TrainLog(epochLosses, steps);
    }

    /** Loss and accuracy at {@code points} evenly spaced t from 0 to 1, and the barrier along the curve. */
    public PathResult measure(LossSurface f, int points, int threads, GridLog log) {
        if (points < 2) throw new IllegalArgumentException("curve: need at least the two end points, got " + points);
        RunningStatistics statistics = f.runningStatistics();
        statistics.requireRecomputedFor("curve");                          // before any work
        double[] ts = Slice.linspace(0, 1, points), squares = new double[points];
        for (int i = 0; i < points; i++) squares[i] = ts[i] * ts[i];
        ParamVector d1 = Directions.between(thetaA, control);              // 2(θ_c − θ_A)
        d1.scal(2);
        ParamVector d2 = thetaA.copy();                                    // θ_A − 2θ_c + θ_B
        d2.axpy(-2, control);
        d2.axpy(1, thetaB);
        Slice.Measured m = Slice.at(f, thetaA, d1, d2, ts, squares, threads, log);
        return new PathResult(ts, m.losses(), m.accuracies(), Barrier.of(ts, m.losses()), statistics.describe());
    }
}
