package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.data.Split;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.train.CurvatureTracker;
import basin.engine.train.Trainer;
import basin.experiments.report.RunFolder;
import basin.experiments.study.ResumableTraining;
import basin.experiments.study.StudyRun;
import basin.kernels.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code basin train}: SGD on a dataset into a run folder: after every epoch a checkpoint
 * ({@code epoch-KK.safetensors}, and the latest as {@code weights.safetensors}), the logs and the
 * training state. Rerunning the same command after an interruption continues from the last finished
 * epoch and ends bit-identical on the CPU ({@link ResumableTraining}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model with SGD into a run folder.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model spec (JSON).")
    Path model;

    @Option(names = "--dataset", defaultValue = "mnist", description = "mnist, fashion-mnist, cifar10, mnist-bundled or tutorial (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", description = "Folder holding the dataset's files.")
    Path data;

    @Option(names = "--epochs", defaultValue = "5") int epochs;
    @Option(names = "--batch", defaultValue = "128") int batch;
    @Option(names = "--lr", defaultValue = "0.05") double lr;
    @Option(names = "--momentum", defaultValue = "0.9") double momentum;
    @Option(names = "--weight-decay", defaultValue = "0") double weightDecay;
    @Option(names = "--schedule", defaultValue = "constant", description = "constant, step or cosine (default: ${DEFAULT-VALUE}).") String schedule;
    @Option(names = "--validation", defaultValue = "0.1", description = "Fraction of the training set held out for validation (default: ${DEFAULT-VALUE}).") double validation;
    @Option(names = "--seed", defaultValue = "0") long seed;

    @Option(names = "--out", required = true, description = "Run folder for weights, logs and the run description.")
    Path out;

    @Option(names = "--track", description = "Curvature during training: lambda-max, sharpness, trace (comma-separated), into curvature.csv/json.")
    String track;

    @Option(names = "--track-every", defaultValue = "epoch", description = "N (SGD steps) or epoch (the last step of each epoch) (default: ${DEFAULT-VALUE}).")
    String trackEvery;

    @Option(names = "--track-examples", defaultValue = "1000", description = "The probe set: the first N validation examples (test when none held out) (default: ${DEFAULT-VALUE}).")
    int trackExamples;

    @Option(names = "--track-lanczos-steps", defaultValue = "20", description = "Lanczos steps for λmax (default: ${DEFAULT-VALUE}).")
    int trackLanczosSteps;

    @Option(names = "--track-epsilon", defaultValue = "1.0", description = "Radius ε of the random-direction sharpness (default: ${DEFAULT-VALUE}).")
    double trackEpsilon;

    @Option(names = "--track-directions", defaultValue = "10", description = "Random directions of the sharpness (default: ${DEFAULT-VALUE}).")
    int trackDirections;

    @Option(names = "--track-trace-samples", defaultValue = "30", description = "Most Hutchinson samples for the trace (default: ${DEFAULT-VALUE}).")
    int trackTraceSamples;

    @Option(names = "--explain", description = "With --track: print each curvature measurement step by step (Lanczos steps, Hutchinson samples) "
            + "beside the stability threshold 2(1 + β)/η.")
    boolean explain;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        Backend backend = device.backend();
        Sequential net = ModelSpec.read(model);
        DataOptions source = new DataOptions();
        source.dataset = dataset;
        source.folder = data;
        Dataset all = source.load(Split.TRAIN);
        Dataset test = source.load(Split.TEST);
        Dataset.TrainValidation split = validation > 0 ? all.split(validation, seed) : new Dataset.TrainValidation(all, null);
        MemoryChecks.gradient(backend, net, model, Math.min(batch, Math.max(1, split.train().count())), "--batch");
        Trainer.Config config = new Trainer.Config(epochs, batch, LearningRateSchedule.named(schedule, lr, epochs), momentum, weightDecay, seed);
        Map<String, Object> description = describe(net, config, split, test, all.describeNormalisation());
        description.put("spec", RunFolder.JSON.readTree(Files.readString(model)));
        ResumableTraining.Tracking tracking = null;
        if (explain && track == null) throw new IllegalArgumentException("--explain shows the curvature tracking: add --track lambda-max (or sharpness, trace)");
        if (track != null) {
            Dataset probeSource = split.validation() != null ? split.validation() : test;
            Dataset probeSet = probeSource.first(Math.min(trackExamples, probeSource.count()));
            MemoryChecks.hvp(backend, net, model, Math.max(1, Math.min(CurvatureTracker.PROBE_BATCH, probeSet.count())), 1, "--track-examples");
            CurvatureTracker.Config c = new CurvatureTracker.Config(CurvatureTracker.Measure.parse(track), trackLanczosSteps, trackEpsilon,
                    trackDirections, 0.05, trackTraceSamples, seed);
            tracking = new ResumableTraining.Tracking(new CurvatureTracker(net, probeSet, c, explain ? new TrackingExplain(System.out) : null),
                    parseEvery(trackEvery));
            description.put("track", describeTracking(tracking, probeSet));
        }
        refuseAnotherRun(out, description);
        RunFolder run = new RunFolder(out);
        run.writeText("model.json", Files.readString(model));
        run.writeJson("run.json", description);
        System.out.println("model   " + net);
        System.out.println("data    " + describeData(split, test) + "; " + all.describeNormalisation());
        System.out.println("sgd     " + config.schedule().describe() + ", momentum " + momentum + ", weight decay " + weightDecay
                + ", batch " + batch + ", seed " + seed);
        ResumableTraining.run(net, config, split.train(), split.validation(), test, backend, run, "model", System.out,
                e -> ResumableTraining.copyLatest(run, e.epoch()), tracking);
        System.out.println("wrote   " + out);
        return 0;
    }

    /**
     * A folder that already holds a run is resumed only when it is the same run: every entry of
     * {@code run.json} (the model, the data, the optimiser, the seed) must match, else the command
     * stops, names what differs and changes nothing.
     */
    static void refuseAnotherRun(Path out, Map<String, Object> description) throws java.io.IOException {
        Path previous = out.resolve("run.json");
        if (!Files.exists(previous)) return;
        List<String> differences = new ArrayList<>();
        StudyRun.diff("", RunFolder.JSON.readTree(previous.toFile()), RunFolder.JSON.valueToTree(description), differences);
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(out + " holds another training run (" + String.join("; ", differences)
                    + "); rerun with the same options to resume it, or choose another --out");
        }
    }

    /** {@code --track-every}: a positive step count, or {@code epoch} (0). */
    static int parseEvery(String every) {
        if (every.equals("epoch")) return 0;
        try {
            int n = Integer.parseInt(every);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("--track-every must be a number of steps ≥ 1 or 'epoch', got '" + every + "'");
    }

    /** The run description's {@code track} entry: what is measured, how, on which examples. */
    public static Map<String, Object> describeTracking(ResumableTraining.Tracking t, Dataset probeSet) {
        CurvatureTracker.Config c = t.tracker().config();
        Map<String, Object> d = new LinkedHashMap<>();
        List<String> measures = new ArrayList<>();
        for (CurvatureTracker.Measure m : c.measures()) measures.add(m.option());
        d.put("measures", measures);
        d.put("every", t.everySteps() == 0 ? "epoch (its last step)" : t.everySteps() + " steps");
        d.put("probe_set", probeSet.name() + ", first " + probeSet.count() + " examples, eval mode");
        d.put("lanczos_steps", c.lanczosSteps());
        d.put("sharpness_epsilon", c.epsilon());
        d.put("sharpness_directions", c.directions());
        d.put("trace_max_samples", c.traceMaxSamples());
        d.put("trace_relative_error", c.traceRelativeError());
        d.put("seed", c.seed());
        d.put("stability_threshold", "2(1 + β)/η, the edge of stability of heavy-ball SGD on a quadratic (Sgd.stabilityThreshold)");
        return d;
    }

    static String describeData(Dataset.TrainValidation split, Dataset test) {
        return String.format("%s: %d train, %s validation, %d test", split.train().name(), split.train().count(),
                split.validation() == null ? "no" : String.valueOf(split.validation().count()), test.count());
    }

    static Map<String, Object> describe(Sequential net, Trainer.Config c, Dataset.TrainValidation split, Dataset test, String normalisation) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model", net.toString());
        d.put("parameters", net.layout().size());
        d.put("dataset", split.train().name());
        d.put("train_examples", split.train().count());
        d.put("validation_examples", split.validation() == null ? 0 : split.validation().count());
        d.put("test_examples", test.count());
        d.put("normalisation", normalisation);
        d.put("epochs", c.epochs());
        d.put("batch", c.batchSize());
        d.put("schedule", c.schedule().describe());
        d.put("momentum", c.momentum());
        d.put("weight_decay", c.weightDecay());
        d.put("seed", c.seed());
        d.put("optimizer", "SGD as torch.optim.SGD (dampening 0, nesterov false)");
        return d;
    }
}
