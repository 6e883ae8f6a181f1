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
import basin.engine.train.Evaluation;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The landscape commands end to end on two random 784-8-10 MLPs and 100 bundled MNIST test digits. */
class LandscapeCommandsTest {
    @TempDir
    static Path dir;
    private static Path spec, weightsA, weightsB, data;
    private static Evaluation.Result evalA, evalB;

    @BeforeAll
    static void models() throws Exception {
        String text = ModelSpec.mlp(new int[] {1, 28, 28}, 8, 10);
        spec = Files.writeString(dir.resolve("mlp.json"), text);
        Sequential net = ModelSpec.parse(text);
        ParamVector a = net.initialParameters(CpuBackend.get(), 1), b = net.initialParameters(CpuBackend.get(), 2);
        weightsA = dir.resolve("a.safetensors");
        weightsB = dir.resolve("b.safetensors");
        ModelWeights.save(weightsA, a, Map.of());
        ModelWeights.save(weightsB, b, Map.of());
        data = Files.isDirectory(Path.of("../data/mnist-subset")) ? Path.of("../data/mnist-subset") : Path.of("data/mnist-subset");
        Dataset test = DatasetResolver.standard().load("mnist-bundled", Split.TEST, data).first(100);
        evalA = Evaluation.of(net, a, test, 100);
        evalB = Evaluation.of(net, b, test, 100);
    }

    private static JsonNode run(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--model", spec.toString(), "--weights", weightsA.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--limit", "100"));
        return basin(all.toArray(new String[0]));
    }

    /** {@code basin probe ARGS --json}, its output parsed; fails naming the command when it exits non-zero. */
    static JsonNode basin(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("probe"));
        all.addAll(List.of(args));
        all.add("--json");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = new CommandLine(new BasinCli()).execute(all.toArray(new String[0]));
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code, "basin " + String.join(" ", all) + " failed: " + out.toString(StandardCharsets.UTF_8));
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void interpolateStartsAndEndsAtTheModelsOwnLossesAndReportsTheBarrier() throws Exception {
        JsonNode o = run("interpolate", "--weights-b", weightsB.toString(), "--points", "5");
        assertEquals(5, o.get("alphas").size());
        assertEquals(5, o.get("losses").size());
        assertEquals(5, o.get("accuracies").size());
        assertEquals(evalA.loss(), o.get("losses").get(0).asDouble(), 1e-6 * evalA.loss());
        assertEquals(evalB.loss(), o.get("losses").get(4).asDouble(), 1e-5 * evalB.loss());
        assertEquals(evalA.accuracy(), o.get("accuracies").get(0).asDouble(), 0);
        assertTrue(o.get("barrier").asDouble() >= 0, o.toString());
    }

    @Test
    void slice2dThroughTwoModelsIsWrittenRowByRowAlphaOuterWithTheModelsAtTheirCoordinates() throws Exception {
        JsonNode o = run("slice2d", "--weights-b", weightsB.toString(), "--alphas=-1:1:3", "--betas=-1:1:3");
        assertEquals(3, o.get("losses").size());
        assertEquals(3, o.get("losses").get(0).size());
        assertEquals(-1, o.get("models").get("a").get("alpha").asDouble(), 1e-5);
        assertEquals(1, o.get("models").get("b").get("alpha").asDouble(), 1e-5);
        // Row α = −1, column β = 0 is model A; row α = +1, column β = 0 is model B.
        assertEquals(evalA.loss(), o.get("losses").get(0).get(1).asDouble(), 1e-5 * evalA.loss());
        assertEquals(evalB.loss(), o.get("losses").get(2).get(1).asDouble(), 1e-5 * evalB.loss());
    }

    @Test
    void aSlice1dRerunWithItsFileMeasuresNothingAgain() throws Exception {
        Path out = dir.resolve("line.jsonl");
        JsonNode first = run("slice1d", "--alphas=-0.5:0.5:4", "--out", out.toString(), "--threads", "2");
        JsonNode second = run("slice1d", "--alphas=-0.5:0.5:4", "--out", out.toString(), "--threads", "2");
        assertEquals(0, first.get("resumed_points").asInt());
        assertEquals(4, second.get("resumed_points").asInt());
        assertEquals(first.get("losses"), second.get("losses"));
        assertTrue(first.get("direction").asText().contains("filter-normalised"), first.get("direction").asText());
    }

    @Test
    void correlateReadsTheRunsFromCsvAndListsThem() throws Exception {
        // The hand-worked case of CorrelationTest: r = 0.8, τ_b = 0.6.
        Path csv = Files.writeString(dir.resolve("runs.csv"), "run,lambda_max,test_accuracy\na,1,2\nb,2,1\nc,3,4\nd,4,3\ne,5,5\n");
        JsonNode o = basin("correlate", "--runs", csv.toString());
        assertEquals(0.8, o.get("pearson").asDouble(), 1e-15);
        assertEquals(0.6, o.get("kendall_tau_b").asDouble(), 1e-15);
        assertEquals(5, o.get("runs").size());
        assertEquals("d", o.get("runs").get(3).get("run").asText());
        assertEquals("lambda_max", o.get("measure").asText());
    }

    @Test
    void weightNoiseAtScaleZeroIsTheCleanAccuracyWithNoSpread() throws Exception {
        JsonNode o = run("weight-noise", "--scales", "0,0.05", "--draws", "3");
        assertEquals(evalA.accuracy(), o.get("accuracies").get(0).asDouble(), 0);
        assertEquals(0, o.get("accuracy_std").get(0).asDouble(), 0);
        assertEquals(3, o.get("draws_by_scale").get(1).get("accuracies").size());
        assertEquals(3, o.get("norm_controlled").get("increases").size());
    }

    @Test
    void sharpnessAndNoiseScaleStateWhatTheyWereComputedFrom() throws Exception {
        JsonNode s = run("sharpness", "--directions", "3", "--ascent-steps", "2");
        assertEquals(evalA.loss(), s.get("loss").asDouble(), 1e-6 * evalA.loss());
        assertEquals(3, s.get("random_directions").get("increases").size());
        assertEquals(3, s.get("rho_ball").get("increases").size());                 // the start and 2 steps
        double lambda = s.get("lanczos").get("lambda_max").asDouble();
        // λmax of the same 100 examples' Hessian by 150 Lanczos steps from another start: the top of the
        // spectrum is then converged to float32 rounding; the command's 20 steps must agree to 1e-4.
        Sequential net = ModelSpec.read(spec);
        ParamVector theta = ModelWeights.load(weightsA, net, CpuBackend.get());
        Dataset test = DatasetResolver.standard().load("mnist-bundled", Split.TEST, data).first(100);
        HessianOperator h = HessianOperator.over(new Objective(net, Mode.EVAL), theta, test, 100);
        double reference = Lanczos.run(h, 150, new SplittableRandom(12345), null).ritzValues()[0];
        assertEquals(reference, lambda, 1e-4 * reference, s.get("lanczos").toString());
        assertTrue(s.get("lanczos").get("residual").asDouble() < 1e-3 * lambda, s.get("lanczos").toString());
        assertEquals(0.5 * 0.05 * 0.05 * lambda, s.get("rho_ball").get("half_rho2_lambda_max").asDouble(), 1e-12);
        JsonNode n = run("noise-scale", "--gradient-batch", "20", "--batches", "5");
        assertEquals(20, n.get("batch_size").asInt());
        assertEquals(5, n.get("batches").asInt());
        assertTrue(n.get("b_simple").isNumber() && n.get("noise_scale").asDouble() > 0, n.toString());
        assertEquals("eval", n.get("mode").asText(), "an MLP has no BatchNorm: eval mode is the mode of its SGD steps");
    }

    @Test
    void noiseScaleTakesTheTrainingSplitUnlessToldOtherwise() throws Exception {
        JsonNode byDefault = run("noise-scale", "--gradient-batch", "20", "--batches", "2");
        assertEquals("train", byDefault.get("split").asText());
        assertTrue(byDefault.get("dataset").asText().contains("train"), byDefault.get("dataset").asText());
        JsonNode test = run("noise-scale", "--gradient-batch", "20", "--batches", "2", "--split", "test");
        assertEquals("test", test.get("split").asText());
        assertTrue(!byDefault.get("noise_scale").equals(test.get("noise_scale")), byDefault + " " + test);
        String help = new CommandLine(new BasinCli()).getSubcommands().get("probe").getSubcommands().get("noise-scale").getUsageMessage();
        assertTrue(help.contains("train or test (default: train)"), help);
    }

    @Test
    void curveReportsItsBarrierBesideTheStraightLine() throws Exception {
        JsonNode o = run("curve", "--weights-b", weightsB.toString(), "--points", "5", "--curve-epochs", "1", "--curve-batch", "50",
                "--train-limit", "200");
        assertEquals(5, o.get("losses").size());
        assertEquals(200, o.get("training").get("examples").asInt());
        assertEquals(4, o.get("training").get("steps").asInt());
        assertEquals(evalA.loss(), o.get("losses").get(0).asDouble(), 1e-6 * evalA.loss());
        assertEquals(o.get("linear").get("losses").get(0), o.get("losses").get(0));
        assertTrue(o.get("barrier").asDouble() >= 0 && o.get("linear").get("barrier").asDouble() >= 0, o.toString());
    }

    @Test
    void aGridFileIsNotResumedWithOtherWeightsUnderTheSameName() throws Exception {
        Sequential net = ModelSpec.read(spec);
        Path weights = dir.resolve("changing.safetensors"), out = dir.resolve("changing.jsonl");
        ModelWeights.save(weights, net.initialParameters(CpuBackend.get(), 3), Map.of());
        String[] args = {"probe", "slice1d", "--model", spec.toString(), "--weights", weights.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--limit", "50", "--alphas=0:1:2", "--out", out.toString(), "--json"};
        PrintStream saved = System.out;
        java.io.StringWriter err = new java.io.StringWriter();
        int first, second;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            first = new CommandLine(new BasinCli()).execute(args);
            ModelWeights.save(weights, net.initialParameters(CpuBackend.get(), 4), Map.of());      // retrained, same file name
            CommandLine cli = new CommandLine(new BasinCli());
            cli.setErr(new java.io.PrintWriter(err));
            second = cli.execute(args);
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, first);
        assertTrue(second != 0 && err.toString().contains("holds a different grid"), err.toString());
    }
}
