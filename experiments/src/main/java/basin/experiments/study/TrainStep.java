package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.train.CurvatureTracker;
import basin.engine.optim.LearningRateSchedule;
import basin.engine.train.DivergenceException;
import basin.engine.train.Trainer;
import basin.experiments.report.RunFolder;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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

    /**
     * Curvature tracked at the last step of every epoch on the first {@code examples} validation
     * examples: the measures and their sizes, as the configuration states them.
     */
    public record Track(Set<CurvatureTracker.Measure> measures, int examples, int lanczosSteps, double epsilon, int directions,
                        int traceSamples, long seed) {

        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measures", measures.stream().map(CurvatureTracker.Measure::option).toList());
            m.put("every", "epoch (its last step, the θ of the epoch's checkpoint)");
            m.put("probe_examples", examples);
            m.put("probe_set", "the first probe_examples examples of the validation split, eval mode");
            m.put("lambda_max", "top Ritz value of " + lanczosSteps + " Lanczos steps, with its residual");
            m.put("sharpness_epsilon", epsilon);
            m.put("sharpness_directions", directions);
            m.put("trace_max_samples", traceSamples);
            m.put("seed", seed);
            return m;
        }
    }

    /** The step {@code train-NAME}. */
    public static Step of(StudyContext context, Plan plan) {
        return of(context, plan, null);
    }

    /** The step {@code train-NAME}, with curvature tracked during training when {@code track} is not null. */
    public static Step of(StudyContext context, Plan plan, Track track) {
        String step = "train-" + plan.name();
        return new Step(step, "train " + plan.name() + ": " + ModelSpec.parse(plan.spec()) + ", " + plan.epochs() + " epochs"
                + (track == null ? "" : ", curvature tracked every epoch"), run -> train(context, plan, track, step, run));
    }

    private static void train(StudyContext context, Plan plan, Track track, String step, StudyRun run) throws IOException {
        StudyData.Splits data = context.data(step);
        RunFolder folder = new RunFolder(StudyContext.modelFolder(run.path(), plan.name()));
        folder.writeText("model.json", plan.spec());
        Sequential model = ModelSpec.parse(plan.spec());
        context.requireMemory(model, plan.name(), Math.min(plan.batch(), Math.max(1, data.train().count())), StudyConfig.hvpBatch(context.config()));
        ResumableTraining.Tracking tracking = null;
        if (track != null) {
            Dataset probe = data.validation().first(Math.min(track.examples(), data.validation().count()));
            tracking = new ResumableTraining.Tracking(new CurvatureTracker(model, probe, new CurvatureTracker.Config(track.measures(),
                    track.lanczosSteps(), track.epsilon(), track.directions(), 0.05, track.traceSamples(), track.seed())), 0);
        }
        try {
            ResumableTraining.run(model, plan.trainerConfig(), data.train(), data.validation(), data.test(),
                    context.backend(), folder, plan.name(), context.console(), null, tracking);
        } catch (DivergenceException e) {
            throw new StudyException("study " + context.study() + ", step " + step + ": model " + plan.name()
                    + " diverged at epoch " + e.epoch() + ", step " + e.step() + " (" + e.getMessage() + "); "
                    + (e.epoch() > 2 ? "epochs 1–" + (e.epoch() - 1) + " are kept in " + folder.path()
                    : e.epoch() == 2 ? "epoch 1 is kept in " + folder.path() : "no epoch finished"), e);
        }
    }
}
