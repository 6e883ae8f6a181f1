package basin.experiments.study;

import basin.engine.nn.spec.ModelSpec;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.train.DivergenceException;
import basin.engine.train.Trainer;
import basin.experiments.report.RunFolder;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The step that trains one model of a study into {@code models/NAME/}, resumably, by
 * {@link ResumableTraining}: a checkpoint per epoch ({@code epoch-KK.safetensors}, PyTorch's names),
 * the logs, and the training state; a rerun continues after the last finished epoch.
 */
public final class TrainStep {
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
        try {
            ResumableTraining.run(ModelSpec.parse(plan.spec()), plan.trainerConfig(), data.train(), data.validation(), data.test(),
                    context.backend(), folder, plan.name(), context.console(), null);
        } catch (DivergenceException e) {
            throw new StudyException("study " + context.study() + ", step " + step + ": model " + plan.name()
                    + " diverged at epoch " + e.epoch() + ", step " + e.step() + " (" + e.getMessage() + "); "
                    + (e.epoch() > 2 ? "epochs 1–" + (e.epoch() - 1) + " are kept in " + folder.path()
                    : e.epoch() == 2 ? "epoch 1 is kept in " + folder.path() : "no epoch finished"), e);
        }
    }
}
