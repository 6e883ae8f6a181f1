package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.train.Trainer;
import basin.engine.train.TrainingCheckpoint;
import basin.engine.optim.Sgd;
import basin.engine.train.CurvatureTracker;
import basin.experiments.report.CurvatureLog;
import basin.experiments.report.Progress;
import basin.experiments.report.RunFolder;
import basin.experiments.report.TrainingLog;
import basin.kernels.Backend;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Training that survives being stopped, as {@code basin train --out} and every study's training
 * step run it. After every epoch the folder gets, each written atomically and in this order:
 * <pre>
 *   epoch-KK.safetensors         θ and the BatchNorm buffers (the state_dict, PyTorch names)
 *   log.csv, log.json            the per-epoch measurements so far
 *   training-state.safetensors   momentum buffers, SGD step count, dropout passes, epochs done
 * </pre>
 * The state file is written last, so whatever it says was finished is on disk. A rerun finds it,
 * loads the checkpoint of the last finished epoch and continues; on the CPU the result is
 * bit-identical to a run never stopped, because the data order is replayed from the seed (epoch e
 * uses the e-th permutation of the seed's stream) and the learning rate is a function of the epoch.
 */
public final class ResumableTraining {
    public static final String STATE_FILE = "training-state.safetensors";

    /** Test hook: stops training (as a kill would) after this many epochs; negative: never. */
    static volatile int interruptAfterEpochs = -1;

    private ResumableTraining() {
    }

    /**
     * Copies the checkpoint of {@code epoch} to {@code weights.safetensors} beside it (atomically), the
     * file {@code basin train} and {@code quickstart} have always left with the latest weights.
     */
    public static void copyLatest(RunFolder folder, int epoch) {
        try {
            RunFolder.writeAtomically(folder.resolve("weights.safetensors"), Files.readAllBytes(checkpoint(folder.path(), epoch)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + checkpoint(folder.path(), epoch) + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint written after {@code epoch} in a training folder. */
    public static Path checkpoint(Path folder, int epoch) {
        return folder.resolve(String.format("epoch-%02d.safetensors", epoch));
    }

    /**
     * Trains {@code model} into {@code folder}, resuming from its last finished epoch when the folder
     * has one. Returns the whole log (resumed epochs included). {@code afterEpoch} runs after each
     * epoch's files are written (e.g. to copy the latest weights elsewhere); it may be null.
     */
    public static TrainingLog run(Sequential model, Trainer.Config config, Dataset train, Dataset validation, Dataset test,
                                  Backend backend, RunFolder folder, String name, PrintStream console,
                                  Consumer<Trainer.EpochLog> afterEpoch) throws IOException {
        return run(model, config, train, validation, test, backend, folder, name, console, afterEpoch, null);
    }

    /**
     * Curvature tracked during training: {@code tracker} measures every {@code everySteps} SGD steps
     * (0: at the last step of every epoch, the θ of the epoch's checkpoint), into
     * {@code curvature.csv} and {@code curvature.json}, rewritten with each epoch's files.
     */
    public record Tracking(CurvatureTracker tracker, int everySteps) {
        public Tracking {
            if (everySteps < 0) throw new IllegalArgumentException("--track-every must be ≥ 1 steps or 'epoch', got " + everySteps);
        }
    }

    /** As above, with curvature tracked when {@code tracking} is not null. */
    public static TrainingLog run(Sequential model, Trainer.Config config, Dataset train, Dataset validation, Dataset test,
                                  Backend backend, RunFolder folder, String name, PrintStream console,
                                  Consumer<Trainer.EpochLog> afterEpoch, Tracking tracking) throws IOException {
        Path stateFile = folder.resolve(STATE_FILE);
        ParamVector theta;
        Trainer.State resume = null;
        TrainingLog log = new TrainingLog();
        CurvatureLog curvature = new CurvatureLog();
        if (Files.exists(stateFile)) {
            resume = TrainingCheckpoint.load(stateFile, model, backend);
            int done = resume.epochsDone();
            theta = ModelWeights.load(checkpoint(folder.path(), done), model, backend);
            for (Trainer.EpochLog e : TrainingLog.read(folder.resolve("log.json")).epochs()) {
                if (e.epoch() <= done) log.add(e);
            }
            if (tracking != null && Files.exists(folder.resolve("curvature.json"))) {
                for (CurvatureTracker.Point p : CurvatureLog.read(folder.resolve("curvature.json")).points()) {
                    if (p.epoch() <= done) curvature.add(p);
                }
            }
            console.println("  " + name + ": resuming after epoch " + done + " of " + config.epochs());
            if (done >= config.epochs()) return log;
        } else {
            theta = model.initialParameters(backend, config.seed());
        }
        console.println("  " + TrainingLog.tableHeader());
        Trainer.Listener listener = new Trainer.Listener() {
            private Progress bar;

            @Override
            public void onStep(int epoch, int step, int steps, double loss, ParamVector theta) {
                if (bar == null) bar = Progress.start(name + " epoch " + epoch, steps);
                bar.stepTo(step, "loss %.4f", loss);
                if (tracking == null) return;
                long global = (long) (epoch - 1) * steps + step;
                boolean due = tracking.everySteps() == 0 ? step == steps : global % tracking.everySteps() == 0;
                if (!due) return;
                double lr = config.schedule().rate(epoch - 1);
                double threshold = config.momentum() < 1 ? Sgd.stabilityThreshold(lr, config.momentum()) : Double.NaN;
                CurvatureTracker.Point p = tracking.tracker().measure(theta, global, epoch, step, lr, threshold);
                curvature.add(p);
                if (tracking.everySteps() != 0) {
                    console.printf(java.util.Locale.ROOT, "  %s step %d: λmax %.4g (2(1+β)/η = %.4g)%n", name, global, p.lambdaMax(), threshold);
                }
            }

            @Override
            public void onEpoch(Trainer.EpochLog e, ParamVector theta, Trainer.State state) {
                if (bar != null) bar.close();
                bar = null;
                log.add(e);
                console.println("  " + TrainingLog.tableRow(e));
                if (tracking != null && !curvature.points().isEmpty()) {
                    CurvatureTracker.Point p = curvature.points().get(curvature.points().size() - 1);
                    console.printf(java.util.Locale.ROOT, "  %s curvature at step %d: λmax %s, S_ε max %s mean %s, tr H %s; threshold 2(1+β)/η = %.4g%n",
                            name, p.step(), g(p.lambdaMax()), g(p.sharpnessMax()), g(p.sharpnessMean()), g(p.trace()), p.threshold());
                }
                try {
                    ModelWeights.save(checkpoint(folder.path(), e.epoch()), model, theta, Map.of("epoch", String.valueOf(e.epoch()), "model", name));
                    folder.writeText("log.csv", log.csv());
                    folder.writeJson("log.json", log.json());
                    if (tracking != null) {
                        folder.writeText("curvature.csv", curvature.csv());
                        folder.writeJson("curvature.json", curvature.json());
                    }
                    TrainingCheckpoint.save(stateFile, model, state, Map.of("model", name));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex.getMessage(), ex);
                }
                if (afterEpoch != null) afterEpoch.accept(e);
                if (interruptAfterEpochs >= 0 && e.epoch() >= interruptAfterEpochs) {
                    throw new Interrupted(name + " stopped after epoch " + e.epoch());
                }
            }
        };
        new Trainer(model, config).train(theta, train, validation, test, listener, resume);
        return log;
    }

    private static String g(double v) {
        return Double.isNaN(v) ? "–" : String.format(java.util.Locale.ROOT, "%.4g", v);
    }

    /** Thrown by the test hook: the run stops as if killed right after a checkpoint. */
    static final class Interrupted extends RuntimeException {
        Interrupted(String message) {
            super(message);
        }
    }
}
