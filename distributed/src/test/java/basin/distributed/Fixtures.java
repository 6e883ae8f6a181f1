package basin.distributed;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.spec.ModelSpec;
import basin.experiments.cli.BasinCli;
import basin.kernels.cpu.CpuBackend;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two random 784-8-10 MLPs, the bundled MNIST subset, and the {@code basin} command line run in this JVM. */
final class Fixtures {
    final Path spec, weightsA, weightsB, data;

    private Fixtures(Path spec, Path weightsA, Path weightsB, Path data) {
        this.spec = spec;
        this.weightsA = weightsA;
        this.weightsB = weightsB;
        this.data = data;
    }

    static Fixtures in(Path dir) throws IOException {
        String text = ModelSpec.mlp(new int[] {1, 28, 28}, 8, 10);
        Path spec = Files.writeString(dir.resolve("mlp.json"), text);
        Sequential net = ModelSpec.parse(text);
        Path a = dir.resolve("a.safetensors"), b = dir.resolve("b.safetensors");
        ModelWeights.save(a, net.initialParameters(CpuBackend.get(), 1), Map.of());
        ModelWeights.save(b, net.initialParameters(CpuBackend.get(), 2), Map.of());
        Path data = Files.isDirectory(Path.of("../data/mnist-subset")) ? Path.of("../data/mnist-subset") : Path.of("data/mnist-subset");
        return new Fixtures(spec, a, b, data.toAbsolutePath().normalize());
    }

    /** The arguments that pick model A and the first {@code limit} bundled test digits. */
    List<String> modelA(int limit) {
        return List.of("--model", spec.toString(), "--weights", weightsA.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--limit", Integer.toString(limit), "--device", "cpu");
    }

    /** What a command printed and how it ended. */
    record Outcome(int code, String out, Exception failure) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    /** {@code basin ARGS} in this JVM: its exit code, standard output, and the exception it ended with, if any. */
    static Outcome basin(List<String> args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Exception[] failure = new Exception[1];
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(new BasinCli());
            cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                failure[0] = e;
                return 1;
            });
            code = cli.execute(args.toArray(new String[0]));
        } finally {
            System.setOut(saved);
        }
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), failure[0]);
    }

    /** {@code basin ARGS --json}, parsed; fails naming the command when it does not exit 0. */
    static JsonNode json(List<String> args) throws IOException {
        List<String> all = new ArrayList<>(args);
        all.add("--json");
        Outcome o = basin(all);
        assertEquals(0, o.code(), "basin " + String.join(" ", all) + " failed: " + o.failure() + "\n" + o.out());
        return o.json();
    }

    static List<String> concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(Arrays.asList(b));
        return all;
    }

    /** A grid file's header line and its points by index; fails if an index is written twice. */
    record Grid(JsonNode header, Map<Integer, JsonNode> points) {
    }

    static Grid readGrid(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<Integer, JsonNode> points = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            JsonNode point = json.readTree(line);
            JsonNode before = points.put(point.get("i").asInt(), point);
            assertTrue(before == null, file + ": point " + point.get("i") + " written twice: " + before + " and " + point);
        }
        return new Grid(json.readTree(lines.get(0)), points);
    }

    /** A θ-shaped vector of the model, for products. */
    static ParamVector gaussian(Sequential net, long seed) {
        return ParamVector.gaussian(CpuBackend.get(), net.layout(), new java.util.SplittableRandom(seed));
    }
}
