package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.probe.landscape.BezierCurve;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.GridLog;
import basin.engine.probe.landscape.LinearPath;
import basin.engine.probe.landscape.PathResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code basin probe curve}: trains the control point of a quadratic Bezier curve between two models
 * on the training split (Garipov et al. 2018), then measures loss, accuracy and barrier along it on
 * the chosen split, beside the straight line's.
 */
@Command(name = "curve", mixinStandardHelpOptions = true,
        description = "Train a Bezier curve between two models (Garipov et al.) and measure its barrier beside the straight line's.")
public final class CurveCommand extends LandscapeCommand {

    @Option(names = "--weights-b", required = true, description = "The second model θ_B (same spec).")
    Path weightsB;

    @Option(names = "--points", defaultValue = "21", description = "Points from t = 0 to 1 (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--curve-epochs", defaultValue = "10", description = "Epochs of SGD on the control point θ_c over the training split (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--curve-batch", defaultValue = "128", description = "Training examples per SGD step on θ_c, each step at its own t ~ U(0, 1) (default: ${DEFAULT-VALUE}).")
    int curveBatch;

    @Option(names = "--curve-lr", defaultValue = "0.05", description = "Learning rate of the SGD on θ_c (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--curve-momentum", defaultValue = "0.9", description = "Momentum of the SGD on θ_c, as torch.optim.SGD (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--curve-weight-decay", defaultValue = "0", description = "Weight decay on θ_c (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--train-limit", description = "Train the curve on only the first N training examples.")
    Integer trainLimit;

    @Option(names = "--save-control", description = "Write the trained control point θ_c here (safetensors).")
    Path saveControl;

    @Mixin
    StatisticsOptions statistics;

    @Option(names = "--explain", description = "Print the control point's training step by step, then each point of the curve beside the straight mix "
            + "of the end losses (to stderr with --json).")
    boolean explain;

    @Override
    public Integer call() throws Exception {
        // Before loading and training: a bad --points would otherwise surface only after the whole training run.
        if (points < 2) throw new IllegalArgumentException("--points must be ≥ 2 (the two ends), got " + points);
        BezierCurve.TrainConfig config = new BezierCurve.TrainConfig(epochs, curveBatch, lr, momentum, weightDecay, seed);
        ParamVector a = load(weights);
        ParamVector b = loadPair(weights, weightsB, a);
        DatasetLoss f = pathSurface(statistics);                           // stages the statistics' data before training
        Dataset train = trainingSplit(trainLimit);
        BezierCurve curve = BezierCurve.between(a, b);
        if (!json) System.out.println("curve    training θ_c on " + train.name() + " (" + train.count() + " examples), " + epochs + " epochs…");
        // Train mode as Garipov et al.: BatchNorm normalises each batch by its own statistics; the
        // running averages it keeps on the way go into a model of their own and are never read.
        java.io.PrintStream trace = json ? System.err : System.out;
        BezierCurve.TrainLog log = curve.train(new Objective(replica(), Mode.TRAIN), train, config,
                explain ? PathExplain.curveTraining(trace, curve) : null);
        long start = System.nanoTime();
        PathResult bent = curve.measure(f, points, threads(), GridLog.none());
        if (explain) {
            PathExplain.cost(trace, f, points, (System.nanoTime() - start) / 1e9, threads(), "");
            PathExplain.barrier(trace, "φ(t) = (1 − t)² θ_A + 2t(1 − t) θ_c + t² θ_B", bent, Math.sqrt(InterpolateCommand.distanceSquared(a, b)));
        }
        PathResult line = LinearPath.measure(f, a, b, points, threads(), GridLog.none());
        if (saveControl != null) ModelWeights.save(saveControl, curve.control(), Map.of("basin", "bezier control point"));

        Map<String, Object> o = header("curve");
        o.put("weights_b", weightsB.toString());
        o.put("path", "φ(t) = (1 − t)² θ_A + 2t(1 − t) θ_c + t² θ_B, θ_c trained by SGD with t ~ U(0, 1) per step");
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("dataset", train.name());
        training.put("examples", train.count());
        training.put("epochs", epochs);
        training.put("batch", curveBatch);
        training.put("lr", lr);
        training.put("momentum", momentum);
        training.put("weight_decay", weightDecay);
        training.put("mode", "train (BatchNorm normalises by each batch's statistics; dropout, if any, draws masks)");
        training.put("steps", log.steps());
        training.put("epoch_losses", log.epochLosses());
        o.put("training", training);
        o.put("running_statistics", bent.runningStatistics());
        InterpolateCommand.putPath(o, bent);
        Map<String, Object> linear = new LinkedHashMap<>();
        InterpolateCommand.putPath(linear, line);
        o.put("linear", linear);
        if (json) {
            printJson(o);
        } else {
            InterpolateCommand.printPath("curve", f, bent);
            System.out.printf("straight line: barrier %s at α = %s, above the linear mix %s%n",
                    f(line.barrier().barrier()), f(line.barrier().argmax()), f(line.barrier().barrierAboveMix()));
        }
        return 0;
    }
}
