package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.train.Trainer;
import basin.experiments.report.Progress;
import basin.experiments.report.RunFolder;
import basin.experiments.report.TrainingLog;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Trains a model into a run folder: a progress bar per epoch on a terminal (none in a log), a table row per epoch,
 * and after every epoch the weights ({@code weights.safetensors}) and the logs ({@code log.csv},
 * {@code log.json}) rewritten atomically, so a run that diverges or is stopped keeps its last good epoch.
 */
final class TrainingRun {
    private TrainingRun() {
    }

    static TrainingLog run(Sequential model, ParamVector theta, Trainer.Config config, Dataset train, Dataset validation,
                           Dataset test, RunFolder out, PrintStream console) {
        TrainingLog log = new TrainingLog();
        console.println(TrainingLog.tableHeader());
        Trainer.Listener listener = new Trainer.Listener() {
            private Progress bar;

            @Override
            public void onStep(int epoch, int step, int steps, double loss) {
                if (bar == null) bar = Progress.start("epoch " + epoch, steps);
                bar.stepTo(step, "loss %.4f", loss);
            }

            @Override
            public void onEpoch(Trainer.EpochLog e, ParamVector theta) {
                if (bar != null) bar.close();
                bar = null;
                log.add(e);
                console.println(TrainingLog.tableRow(e));
                try {
                    ModelWeights.save(out.resolve("weights.safetensors"), model, theta, Map.of("epoch", String.valueOf(e.epoch())));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex.getMessage(), ex);
                }
                out.writeText("log.csv", log.csv());
                out.writeJson("log.json", log.json());
            }
        };
        new Trainer(model, config).train(theta, train, validation, test, listener);
        return log;
    }
}
