package basin.experiments.bench;

import basin.engine.nn.Sequential;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.nn.spec.StudyModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The model {@code basin bench --model} names, with its spec text (so that the timing can say which
 * network it ran, and a PyTorch peer can build the same one from it): a study model by name
 * ({@link StudyModels#all()}), an MLP by its widths ({@code mlp:784-256-10}: 784 inputs, a hidden
 * layer of 256, 10 outputs, ReLU between), or a spec file.
 */
public record BenchModel(String name, String spec, Sequential network) {

    /** The prefix of an MLP written by its widths. */
    public static final String MLP = "mlp:";

    /** The model called {@code name}; errors say what a name can be. */
    public static BenchModel resolve(String name) {
        String study = StudyModels.all().get(name);
        if (study != null) return new BenchModel(name, study, ModelSpec.parse(study));
        if (name.startsWith(MLP)) {
            String spec = mlpSpec(name);
            return new BenchModel(name, spec, ModelSpec.parse(spec));
        }
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--model '" + name + "' is neither a study model " + StudyModels.all().keySet()
                    + ", nor an MLP's widths like mlp:784-256-10, nor a spec file (no such file)");
        }
        String spec;
        try {
            spec = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read model spec: " + e.getMessage(), e);
        }
        return new BenchModel(name, spec, ModelSpec.read(file));
    }

    /** The spec of {@code mlp:d0-d1-…-dL}: input [d0], then the widths d1 … dL. */
    private static String mlpSpec(String name) {
        String[] parts = name.substring(MLP.length()).split("-", -1);
        int[] widths = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) widths[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
            widths = null;
        }
        if (widths == null || widths.length < 2 || Arrays.stream(widths).anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("--model " + name + ": an MLP is written by its widths, inputs first, "
                    + "each a positive integer, e.g. mlp:784-256-10");
        }
        return ModelSpec.mlp(new int[] {widths[0]}, Arrays.copyOfRange(widths, 1, widths.length));
    }
}
