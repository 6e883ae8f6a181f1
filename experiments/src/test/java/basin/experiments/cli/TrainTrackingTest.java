package basin.experiments.cli;

import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.train.DeviceBatches;
import basin.experiments.report.RunFolder;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code basin train --track}: curvature measured during training, without moving the trajectory. */
class TrainTrackingTest {
    @TempDir
    Path tmp;

    private int train(Path out, String... extra) throws Exception {
        Path spec = tmp.resolve("model.json");
        Files.writeString(spec, ModelSpec.mlp(new int[] {1, 28, 28}, 64, 10));
        String[] base = {"train", "--model", spec.toString(), "--dataset", "mnist-bundled", "--data", Path.of("..", "data", "mnist-subset").toString(),
                "--epochs", "2", "--batch", "64", "--seed", "5", "--device", "cpu", "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return BasinCli.commandLine().execute(args);
    }

    @Test
    void trackingLeavesTheTrajectoryBitForBitAndItsLastLambdaMaxIsTheCheckpointsOwn() throws Exception {
        Path plain = tmp.resolve("plain"), tracked = tmp.resolve("tracked");
        assertEquals(0, train(plain));
        assertEquals(0, train(tracked, "--track", "lambda-max,sharpness,trace", "--track-every", "epoch", "--track-examples", "300"));
        assertArrayEquals(Files.readAllBytes(plain.resolve("weights.safetensors")), Files.readAllBytes(tracked.resolve("weights.safetensors")),
                "tracking changed θ");

        JsonNode points = RunFolder.JSON.readTree(tracked.resolve("curvature.json").toFile());
        assertEquals(2, points.size(), "one measurement per epoch");
        JsonNode last = points.get(1);
        assertEquals(2, last.get("epoch").asInt());
        assertEquals(2 * (1 + 0.9) / 0.05, last.get("stability_threshold").asDouble(), 1e-9);
        assertTrue(last.get("trace").asDouble() > 0 && last.get("sharpness_max").asDouble() >= last.get("sharpness_mean").asDouble());

        // λmax at the last step is the λmax of the saved checkpoint on the same examples, found afresh.
        Sequential net = ModelSpec.parse(ModelSpec.mlp(new int[] {1, 28, 28}, 64, 10));
        ParamVector theta = ModelWeights.load(tracked.resolve("epoch-02.safetensors"), net, CpuBackend.get());
        Dataset all = DatasetResolver.standard().load("mnist-bundled", Split.TRAIN, Path.of("..", "data", "mnist-subset"));
        Dataset probe = all.split(0.1, 5).validation().first(300);
        HessianOperator h = new HessianOperator(new Objective(net, Mode.EVAL), theta, new DeviceBatches(CpuBackend.get(), probe, 500).resident());
        Lanczos.Result r = Lanczos.run(h, 40, new SplittableRandom(123), null);
        double tracked2 = last.get("lambda_max").asDouble(), fresh = r.topK(1)[0];
        // Both are top Ritz values of the same H from different start vectors; each lies within its
        // residual of an eigenvalue, and the tracked one's residual (20 steps) is the looser bound.
        assertEquals(fresh, tracked2, 2 * last.get("lambda_max_residual").asDouble() + 1e-4 * fresh, "tracked " + tracked2 + ", fresh " + fresh);
        assertTrue(Files.readString(tracked.resolve("curvature.csv")).startsWith("step,epoch,step_in_epoch,lr,stability_threshold,lambda_max"));
    }
}
