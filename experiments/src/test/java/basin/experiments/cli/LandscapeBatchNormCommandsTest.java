package basin.experiments.cli;

import basin.engine.data.Batches;
import basin.engine.data.Dataset;
import basin.engine.data.DatasetResolver;
import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.landscape.RunningStatistics;
import basin.engine.train.DeviceBatches;
import basin.engine.train.Evaluation;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The landscape commands end to end on two random convolutional models with BatchNorm2d (parameters
 * from seeds 1 and 2, running statistics from a few train-mode passes), 100 bundled MNIST test
 * digits, and BatchNorm statistics recomputed from 200 training digits.
 */
class LandscapeBatchNormCommandsTest {
    private static final String SPEC = "{\"input\":[1,28,28],\"layers\":[{\"type\":\"conv2d\",\"out\":4,\"kernel\":3,\"stride\":2},"
            + "{\"type\":\"batchnorm2d\"},{\"type\":\"relu\"},{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":10}]}";
    private static final String RECOMPUTED = "BatchNorm running statistics recomputed at each point from 200 training examples in 4 batches";
    @TempDir
    static Path dir;
    private static Path spec, weightsA, weightsB, data;
    private static ParamVector a, b;
    private static Dataset test, train;

    @BeforeAll
    static void models() throws Exception {
        spec = Files.writeString(dir.resolve("cnn-bn.json"), SPEC);
        data = Files.isDirectory(Path.of("../data/mnist-subset")) ? Path.of("../data/mnist-subset") : Path.of("data/mnist-subset");
        test = DatasetResolver.standard().load("mnist-bundled", Split.TEST, data).first(100);
        train = DatasetResolver.standard().load("mnist-bundled", Split.TRAIN, data).first(200);
        weightsA = dir.resolve("a.safetensors");
        weightsB = dir.resolve("b.safetensors");
        a = save(weightsA, 1);
        b = save(weightsB, 2);
    }

    /** Parameters from {@code seed}, running statistics from train-mode passes over 3 batches of 50 test digits: the model's own, unlike any recomputed ones. */
    private static ParamVector save(Path file, long seed) throws Exception {
        Sequential net = ModelSpec.parse(SPEC);
        ParamVector theta = net.initialParameters(CpuBackend.get(), seed);
        Objective trainMode = new Objective(net, Mode.TRAIN);
        DeviceBatches batches = new DeviceBatches(CpuBackend.get(), test, 50);
        for (int k = 0; k < 3; k++) trainMode.loss(theta, batches.get(k % batches.count()));
        ModelWeights.save(file, net, theta, Map.of());
        return theta;
    }

    /** The test loss at θ with statistics recomputed from the 200 training digits in batches of 50, through the engine. */
    private static double recomputedLoss(ParamVector theta) {
        Sequential net = ModelSpec.parse(SPEC);
        List<Batch> batches = new DeviceBatches(CpuBackend.get(), train, 50).resident();
        RunningStatistics.recompute(net, theta, batches);
        return Evaluation.of(net, theta, test, 100).loss();
    }

    /** The test loss at θ with the statistics saved beside it. */
    private static double ownLoss(Path weights) throws Exception {
        Sequential net = ModelSpec.parse(SPEC);
        ParamVector theta = ModelWeights.load(weights, net, CpuBackend.get());
        return Evaluation.of(net, theta, test, 100).loss();
    }

    private static JsonNode run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--model", spec.toString(), "--weights", weightsA.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--limit", "100", "--device", "cpu"));
        return LandscapeCommandsTest.basin(all.toArray(new String[0]));
    }

    @Test
    void interpolateRecomputesTheStatisticsAtEachPointAndSaysSo() throws Exception {
        JsonNode o = run("interpolate", "--weights-b", weightsB.toString(), "--points", "5", "--statistics-limit", "200", "--statistics-batch", "50",
                "--threads", "2");
        assertTrue(o.get("running_statistics").asText().startsWith(RECOMPUTED), o.get("running_statistics").asText());
        assertEquals(5, o.get("losses").size());
        // The ends are the models with statistics recomputed at their θ, not with the ones saved beside them.
        double endA = recomputedLoss(a), endB = recomputedLoss(b);
        assertEquals(endA, o.get("losses").get(0).asDouble(), 1e-6 * endA, "seed 1");
        assertEquals(endB, o.get("losses").get(4).asDouble(), 1e-5 * endB, "seed 2");
        assertTrue(Math.abs(ownLoss(weightsA) - endA) > 1e-4, "seed 1: the saved statistics give another loss, so the test tells them apart");
        assertTrue(o.get("barrier").asDouble() >= 0, o.toString());
    }

    @Test
    void slicesAroundOneModelKeepItsStatisticsAndThePlaneThroughTwoRecomputesThem() throws Exception {
        JsonNode line = run("slice1d", "--alphas=0:1:2");
        assertTrue(line.get("running_statistics").asText().contains("kept"), line.get("running_statistics").asText());
        double own = ownLoss(weightsA);
        assertEquals(own, line.get("losses").get(0).asDouble(), 1e-6 * own, "seed 1");
        JsonNode plane = run("slice2d", "--weights-b", weightsB.toString(), "--alphas=-1:1:3", "--betas=0:0:1",
                "--statistics-limit", "200", "--statistics-batch", "50");
        assertTrue(plane.get("running_statistics").asText().startsWith(RECOMPUTED), plane.get("running_statistics").asText());
        double endA = recomputedLoss(a);
        assertEquals(endA, plane.get("losses").get(0).get(0).asDouble(), 1e-5 * endA, "seed 1: model A at (α, β) = (−1, 0)");
    }

    @Test
    void aCurveTrainsInTrainModeAndMeasuresWithRecomputedStatistics() throws Exception {
        JsonNode o = run("curve", "--weights-b", weightsB.toString(), "--points", "3", "--curve-epochs", "1", "--curve-batch", "50",
                "--train-limit", "100", "--statistics-limit", "200", "--statistics-batch", "50");
        assertTrue(o.get("running_statistics").asText().startsWith(RECOMPUTED), o.get("running_statistics").asText());
        assertTrue(o.get("training").get("mode").asText().startsWith("train"), o.get("training").toString());
        double endA = recomputedLoss(a);
        assertEquals(endA, o.get("losses").get(0).asDouble(), 1e-6 * endA, "seed 1");
        assertEquals(o.get("linear").get("losses").get(0), o.get("losses").get(0));
    }

    /**
     * mean_k ‖∇L_k(θ)‖² at the model saved in {@code weights}, over the batches noise-scale draws (seed 0,
     * 2 batches of 50 of the first 100 training digits), in {@code mode}.
     */
    private static double meanBatchGradientNormSquared(Path weights, Mode mode) throws Exception {
        Dataset first100 = DatasetResolver.standard().load("mnist-bundled", Split.TRAIN, data).first(100);
        Sequential net = ModelSpec.parse(SPEC);
        ParamVector theta = ModelWeights.load(weights, net, CpuBackend.get());
        DeviceBatches batches = new DeviceBatches(CpuBackend.get(), first100, new Batches(first100, 50, Batches.LastBatch.DROP, 0));
        ParamVector g = theta.zerosLike();
        double sum = 0;
        for (int k = 0; k < 2; k++) {
            new Objective(net, mode).gradient(theta, batches.get(k), g);
            sum += g.dot(g);
        }
        return sum / 2;
    }

    @Test
    void noiseScaleTakesTheGradientsOfTrainModeBatchNormWithDropoutOffAndSaysSo() throws Exception {
        JsonNode o = run("noise-scale", "--gradient-batch", "50", "--batches", "2");
        double batchStatistics = meanBatchGradientNormSquared(weightsA, Mode.BATCH_STATISTICS), eval = meanBatchGradientNormSquared(weightsA, Mode.EVAL);
        // The saved running statistics come from other data, so eval mode's gradients differ from SGD's.
        assertTrue(Math.abs(batchStatistics - eval) > 1e-3 * batchStatistics, batchStatistics + " against " + eval);
        // float32 gradients summed in float64 on both sides, in the same order: agreement to rounding.
        assertEquals(batchStatistics, o.get("mean_batch_gradient_norm_squared").asDouble(), 1e-5 * batchStatistics, o.toString());
        assertTrue(o.get("gradient_mode").asText().startsWith("train-mode BatchNorm") && o.get("gradient_mode").asText().contains("dropout off"),
                o.toString());
        assertTrue(o.get("running_statistics").asText().contains("not read"), o.toString());
    }

    @Test
    void sharpnessAndWeightNoiseAroundOneModelSayTheyKeepItsStatistics() throws Exception {
        JsonNode s = run("weight-noise", "--scales", "0", "--draws", "1");
        assertTrue(s.get("running_statistics").asText().contains("kept"), s.toString());
        double own = ownLoss(weightsA);
        assertEquals(own, s.get("losses").get(0).asDouble(), 1e-6 * own, "seed 1");
    }
}
