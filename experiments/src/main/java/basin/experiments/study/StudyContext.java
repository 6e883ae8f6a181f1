package basin.experiments.study;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.ActivationMemory;
import basin.kernels.Backend;
import basin.kernels.Devices;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a study's steps share while one command runs: its options and configuration, the backend
 * (picked once), the data (loaded once), and where each model's files are in the run folder.
 */
public final class StudyContext {
    private final String study;
    private final StudyOptions options;
    private final Map<String, Object> config;
    private final int[] inputShape;
    private final PrintStream console;
    private Backend backend;

    public StudyContext(String study, StudyOptions options, Map<String, Object> config, int[] inputShape, PrintStream console) {
        this.study = study;
        this.options = options;
        this.config = config;
        this.inputShape = inputShape;
        this.console = console;
    }

    public String study() {
        return study;
    }

    public StudyOptions options() {
        return options;
    }

    public Map<String, Object> config() {
        return config;
    }

    public PrintStream console() {
        return console;
    }

    /**
     * The backend of {@code --device}, picked on first use (a run of finished steps picks none). The
     * line saying which is left out under {@code -Dbasin.quiet=true}, as the tests run.
     */
    public synchronized Backend backend() {
        if (backend == null) {
            Devices.Selection s = Devices.select(Devices.Choice.parse(options.device()));
            if (!Boolean.getBoolean("basin.quiet")) console.println("device  " + s.reason());
            backend = s.backend();
        }
        return backend;
    }

    /**
     * Refuses, before a model trains, a run whose training gradient or whose probes' HVP cannot fit
     * in the free heap ({@link ActivationMemory}), naming the study, the model and the batch; on a
     * backend that keeps its buffers outside the heap nothing is checked.
     */
    public void requireMemory(Sequential model, String name, int trainBatch, int probeBatch) {
        String flag = "the batch of study " + study + " (--quick trains and probes in smaller batches)";
        boolean checked = ActivationMemory.requireGradient(backend(), model, "study " + study + "'s model " + name, trainBatch, flag);
        ActivationMemory.requireHvp(backend(), model, "study " + study + "'s model " + name, probeBatch, 1, flag);
        if (!checked) console.println("memory  not checked on " + backend().name() + ": its buffers are in device memory");
    }

    /** The data of the configuration's {@code data} section, for {@code step}. */
    @SuppressWarnings("unchecked")
    public StudyData.Splits data(String step) {
        return StudyData.load((Map<String, Object>) config.get("data"), inputShape, study, step);
    }

    /** A model's folder in the run: {@code models/NAME}. */
    public static Path modelFolder(Path run, String model) {
        return run.resolve("models").resolve(model);
    }

    /** The checkpoint a model's training wrote after {@code epoch}. */
    public static Path checkpoint(Path run, String model, int epoch) {
        return ResumableTraining.checkpoint(modelFolder(run, model), epoch);
    }

    /** A trained model: its spec from {@code models/NAME/model.json} and the weights of its last epoch. */
    public record Trained(String name, Sequential model, ParamVector theta, Path weights) {
    }

    /** Loads model {@code name} after {@code epochs} epochs, with its BatchNorm statistics. */
    public Trained trained(Path run, String name, int epochs) throws IOException {
        Path folder = modelFolder(run, name);
        Sequential model = ModelSpec.parse(Files.readString(folder.resolve("model.json")));
        Path weights = checkpoint(run, name, epochs);
        return new Trained(name, model, ModelWeights.load(weights, model, backend()), weights);
    }

    /** A fresh copy of a trained model's architecture (its own BatchNorm buffers), for paths between models. */
    public static Sequential replica(Path run, String name) {
        try {
            return ModelSpec.parse(Files.readString(modelFolder(run, name).resolve("model.json")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }
}
