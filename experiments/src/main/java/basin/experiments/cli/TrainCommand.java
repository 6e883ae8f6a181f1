package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.data.Split;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.optim.LearningRateSchedule;
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

    @Option(names = "--dataset", defaultValue = "mnist", description = "mnist, fashion-mnist, cifar10 or mnist-bundled (default: ${DEFAULT-VALUE}).")
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
        Trainer.Config config = new Trainer.Config(epochs, batch, LearningRateSchedule.named(schedule, lr, epochs), momentum, weightDecay, seed);
        Map<String, Object> description = describe(net, config, split, test, all.describeNormalisation());
        description.put("spec", RunFolder.JSON.readTree(Files.readString(model)));
        refuseAnotherRun(out, description);
        RunFolder run = new RunFolder(out);
        run.writeText("model.json", Files.readString(model));
        run.writeJson("run.json", description);
        System.out.println("model   " + net);
        System.out.println("data    " + describeData(split, test) + "; " + all.describeNormalisation());
        System.out.println("sgd     " + config.schedule().describe() + ", momentum " + momentum + ", weight decay " + weightDecay
                + ", batch " + batch + ", seed " + seed);
        ResumableTraining.run(net, config, split.train(), split.validation(), test, backend, run, "model", System.out,
                e -> ResumableTraining.copyLatest(run, e.epoch()));
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
