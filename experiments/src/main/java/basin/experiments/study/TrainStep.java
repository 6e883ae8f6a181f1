package basin.experiments.study;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.train.DivergenceException;
import basin.engine.train.Trainer;
import basin.engine.train.TrainingCheckpoint;
import basin.experiments.report.Progress;
import basin.experiments.report.RunFolder;
import basin.experiments.report.TrainingLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The step that trains one model of a study into {@code models/NAME/}: after every epoch its
 * checkpoint {@code epoch-KK.safetensors} (the {@code state_dict} under PyTorch's names), the logs
 * {@code log.csv} and {@code log.json}, and last {@code training-state.safetensors} (momentum
 * buffers, SGD step count, dropout passes), each written atomically. The state file is written last,
 * so whatever it says was finished is on disk. A rerun after an interruption loads the last finished
 * epoch and its state and continues; on the CPU the result is bit-identical to a run that was never
 * stopped (the data order is replayed from the seed, the schedule is a function of the epoch).
 */
public final class TrainStep {
    static final String STATE_FILE = "training-state.safetensors";

    private TrainStep() {
    }

    /** A model's training as the configuration states it. */
    public record Plan(String name, String spec, int epochs, int batch, double lr, String schedule, double momentum,
                       double weightDecay, long seed) {

        public Trainer.Config trainerConfig() {
            return new Trainer.Config(epochs, batch, LearningRateSchedule.named(schedule, lr, epochs), momentum, weightDecay, seed);
        }

        /** The configuration entry of this model. */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", ModelSpec.parse(spec).toString());
            m.put("parameters", ModelSpec.parse(spec).layout().size());
            m.put("epochs", epochs);
            m.put("batch", batch);
            m.put("optimizer", "SGD as torch.optim.SGD (dampening 0, nesterov false)");
            m.put("lr", lr);
            m.put("schedule", schedule);
            m.put("momentum", momentum);
            m.put("weight_decay", weightDecay);
            m.put("init_and_order_seed", seed);
            m.put("spec", spec);
            return m;
        }
    }

    /** Test hook: stops training (as a kill would) after this many epochs of a step; negative: never. */
    static volatile int interruptAfterEpochs = -1;

    /** The step {@code train-NAME}. */
    public static Step of(StudyContext context, Plan plan) {
        String step = "train-" + plan.name();
        return new Step(step, "train " + plan.name() + ": " + ModelSpec.parse(plan.spec()) + ", " + plan.epochs() + " epochs",
                run -> train(context, plan, step, run));
    }

    private static void train(StudyContext context, Plan plan, String step, StudyRun run) throws IOException {
        StudyData.Splits data = context.data(step);
        RunFolder folder = new RunFolder(StudyContext.modelFolder(run.path(), plan.name()));
        folder.writeText("model.json", plan.spec());
        Sequential model = ModelSpec.parse(plan.spec());
        Trainer.Config config = plan.trainerConfig();
        Path stateFile = folder.resolve(STATE_FILE);
        ParamVector theta;
        Trainer.State resume = null;
        TrainingLog log = new TrainingLog();
        if (Files.exists(stateFile)) {
            resume = TrainingCheckpoint.load(stateFile, model, context.backend());
            int done = resume.epochsDone();
            theta = ModelWeights.load(StudyContext.checkpoint(run.path(), plan.name(), done), model, context.backend());
            for (Trainer.EpochLog e : TrainingLog.read(folder.resolve("log.json")).epochs()) {
                if (e.epoch() <= done) log.add(e);
            }
            context.console().println("  " + plan.name() + ": resuming after epoch " + done + " of " + plan.epochs());
            if (done >= plan.epochs()) return;
        } else {
            theta = model.initialParameters(context.backend(), plan.seed());
        }
        context.console().println("  " + TrainingLog.tableHeader());
        Trainer.Listener listener = new Trainer.Listener() {
            private Progress bar;

            @Override
            public void onStep(int epoch, int stepInEpoch, int steps, double loss) {
                if (bar == null) bar = Progress.start(plan.name() + " epoch " + epoch, steps);
                bar.stepTo(stepInEpoch, "loss %.4f", loss);
            }

            @Override
            public void onEpoch(Trainer.EpochLog e, ParamVector theta, Trainer.State state) {
                if (bar != null) bar.close();
                bar = null;
                log.add(e);
                context.console().println("  " + TrainingLog.tableRow(e));
                try {
                    ModelWeights.save(StudyContext.checkpoint(run.path(), plan.name(), e.epoch()), model, theta,
                            Map.of("epoch", String.valueOf(e.epoch()), "model", plan.name()));
                    folder.writeText("log.csv", log.csv());
                    folder.writeJson("log.json", log.json());
                    TrainingCheckpoint.save(stateFile, model, state, Map.of("model", plan.name()));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex.getMessage(), ex);
                }
                if (interruptAfterEpochs >= 0 && e.epoch() >= interruptAfterEpochs) {
                    throw new Interrupted(plan.name() + " stopped after epoch " + e.epoch());
                }
            }
        };
        try {
            new Trainer(model, config).train(theta, data.train(), data.validation(), data.test(), listener, resume);
        } catch (DivergenceException e) {
            throw new StudyException("study " + context.study() + ", step " + step + ": model " + plan.name()
                    + " diverged at epoch " + e.epoch() + ", step " + e.step() + " (" + e.getMessage() + "); "
                    + (e.epoch() > 2 ? "epochs 1–" + (e.epoch() - 1) + " are kept in " + folder.path()
                    : e.epoch() == 2 ? "epoch 1 is kept in " + folder.path() : "no epoch finished"), e);
        }
    }

    /** Thrown by the test hook: the run stops as if killed after a checkpoint. */
    static final class Interrupted extends RuntimeException {
        Interrupted(String message) {
            super(message);
        }
    }
}
