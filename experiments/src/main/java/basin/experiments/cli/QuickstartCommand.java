package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.curvature.PowerIteration;
import basin.engine.train.DeviceBatches;
import basin.engine.train.Trainer;
import basin.experiments.report.RunFolder;
import basin.experiments.report.TrainingLog;
import basin.experiments.study.ResumableTraining;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code basin quickstart}: the whole path on the MNIST subset bundled in the repository, offline:
 * train the 784-256-10 MLP with SGD (momentum 0.9, lr 0.05, as the two-minima study), print the
 * per-epoch table, then λmax of the validation-loss Hessian by power iteration, and write it all to
 * a run folder.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Train the 784-256-10 MLP on the bundled MNIST subset and measure λmax.")
public final class QuickstartCommand implements Callable<Integer> {
    /** Lanczos steps for the λmax check: enough for the top Ritz value of this Hessian to settle. */
    private static final int LANCZOS_STEPS = 20;

    @Option(names = "--epochs", defaultValue = "5") int epochs;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--out", defaultValue = "runs/quickstart", description = "Run folder (default: ${DEFAULT-VALUE}).") Path out;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        Backend backend = device.backend();
        DataOptions source = new DataOptions();
        source.dataset = "mnist-bundled";
        Path home = Path.of(System.getProperty("basin.home", "."));
        if (Files.isDirectory(home.resolve("data/mnist-subset"))) source.folder = home.resolve("data/mnist-subset");
        Dataset all = source.load(Split.TRAIN), test = source.load(Split.TEST);
        Dataset.TrainValidation split = all.splitCount(1000, seed);

        String spec = ModelSpec.mlp(new int[] {1, 28, 28}, 256, 10);
        Sequential net = ModelSpec.parse(spec);
        Trainer.Config config = new Trainer.Config(epochs, 128, LearningRateSchedule.constant(0.05), 0.9, 0, seed);
        RunFolder run = new RunFolder(out);
        run.writeText("model.json", spec);
        run.writeJson("run.json", TrainCommand.describe(net, config, split, test, all.describeNormalisation()));

        System.out.println("Basin quickstart: the 784-256-10 MLP on the bundled MNIST subset (offline)");
        System.out.println("model   " + net);
        System.out.println("data    " + TrainCommand.describeData(split, test) + "; " + all.describeNormalisation());
        System.out.println("sgd     " + config.schedule().describe() + ", momentum 0.9, batch 128, seed " + seed);
        System.out.println();
        // The quickstart shows the whole path every time: a state left by an earlier quickstart is
        // dropped, so the training starts afresh (basin train and the studies resume instead).
        Files.deleteIfExists(run.resolve(ResumableTraining.STATE_FILE));
        TrainingLog log = ResumableTraining.run(net, config, split.train(), split.validation(), test, backend, run, "mlp", System.out,
                e -> ResumableTraining.copyLatest(run, e.epoch()));
        ParamVector theta = ModelWeights.load(run.resolve("weights.safetensors"), net, backend);

        // λmax of the Hessian of the mean loss over the validation set, by power iteration on exact HVPs.
        HessianOperator h = new HessianOperator(new Objective(net, Mode.EVAL), theta,
                new DeviceBatches(backend, split.validation(), 500).resident());
        long start = System.nanoTime();
        PowerIteration.Result r = PowerIteration.run(h, 300, 1e-3, new SplittableRandom(seed), null);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println();
        System.out.printf(Locale.ROOT, "lambda_max  %.4f   (power iteration on the validation Hessian, %d examples: %d HVPs, %s, residual %.1e, %.1f s)%n",
                r.lambda(), h.examples(), h.hvpCount(), r.converged() ? "residual ≤ 1e-3·λ" : "NOT converged in 300 steps", r.residual(), seconds);

        // Power iteration stops on its residual ‖Hv − λv‖ ≤ 1e-3·|λ|; when the top two eigenvalues are
        // close, as they often are here, it needs many steps to get there. Lanczos finds the same λmax
        // in far fewer HVPs, and its residual ‖Hx − λx‖ says how far it can be from an eigenvalue.
        long hvpsBefore = h.hvpCount();
        start = System.nanoTime();
        Lanczos.Result lanczos = Lanczos.run(h, LANCZOS_STEPS, new SplittableRandom(seed), null);
        double lanczosMax = lanczos.topK(1)[0], residual = lanczos.residual(h, 0);
        seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "            %.4f   (Lanczos, %d steps: %d HVPs, residual ‖Hx − λx‖ = %.1e, %.1f s)%n",
                lanczosMax, lanczos.steps(), h.hvpCount() - hvpsBefore, residual, seconds);

        Map<String, Object> summary = new LinkedHashMap<>();
        Trainer.EpochLog last = log.epochs().get(log.epochs().size() - 1);
        summary.put("train_accuracy", last.trainAccuracy());
        summary.put("validation_accuracy", last.validationAccuracy());
        summary.put("test_accuracy", last.testAccuracy());
        summary.put("test_loss", last.testLoss());
        summary.put("lambda_max", r.lambda());
        summary.put("lambda_max_examples", h.examples());
        summary.put("power_iterations", r.iterations());
        summary.put("power_converged", r.converged());
        summary.put("power_residual", r.residual());
        summary.put("rayleigh_quotients", r.rayleighQuotients());
        summary.put("lambda_max_lanczos", lanczosMax);
        summary.put("lanczos_steps", lanczos.steps());
        summary.put("lanczos_residual", residual);
        run.writeJson("summary.json", summary);
        System.out.println("wrote       " + out + "/ (model.json, run.json, weights.safetensors, epoch-KK.safetensors, log.csv, log.json, summary.json)");
        return 0;
    }
}
