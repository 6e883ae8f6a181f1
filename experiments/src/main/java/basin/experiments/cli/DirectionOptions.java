package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.DirectionFile;
import basin.engine.probe.landscape.Directions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How a slice's directions are made: drawn ({@code --normalisation filter|none}, {@code --one-dimensional})
 * or read from a file ({@code --directions FILE}, {@link DirectionFile}), and kept with
 * {@code --save-directions FILE}.
 */
public final class DirectionOptions {

    // No picocli defaults: null means "not given", so a command can refuse these where they cannot apply.
    @Option(names = "--normalisation",
            description = "filter (Li et al.: each filter/row scaled to the norm of θ's) or none (unit Gaussian) (default: filter).")
    String normalisation;

    @Option(names = "--one-dimensional",
            description = "With filter normalisation, biases and BatchNorm parameters: ignore (zero, loss-landscape's biasbn), normalise, or copy (d = θ) (default: ignore).")
    String oneDimensional;

    @Option(names = {"--directions", "--directions-file"},
            description = "Take the directions from FILE.safetensors (tensors d1.<name>, d2.<name>, as --save-directions writes them) instead of drawing them.")
    Path file;

    @Option(names = "--save-directions", description = "Write the directions used to FILE.safetensors: d1.<state_dict name>, d2.<…>, the parameters' shapes.")
    Path save;

    /** The flags given on the command line, e.g. {@code [--normalisation]}; empty when the defaults hold. */
    List<String> given() {
        List<String> flags = new ArrayList<>();
        if (normalisation != null) flags.add("--normalisation");
        if (oneDimensional != null) flags.add("--one-dimensional");
        if (file != null) flags.add("--directions");
        return flags;
    }

    private String normalisation() {
        return normalisation != null ? normalisation : "filter";
    }

    /**
     * The slice's {@code count} directions at θ: read from {@code --directions} (checked against θ's
     * layout), or drawn in turn from {@code rng} and normalised as asked.
     */
    List<ParamVector> directions(ParamVector theta, int count, SplittableRandom rng) {
        if (file == null) {
            List<ParamVector> d = new ArrayList<>();
            for (int k = 0; k < count; k++) d.add(direction(theta, rng));
            return d;
        }
        if (normalisation != null || oneDimensional != null) {
            throw new IllegalArgumentException("--normalisation and --one-dimensional cannot apply with --directions " + file
                    + ": the file's directions are used as they are");
        }
        try {
            return DirectionFile.load(file, theta.layout(), count, theta.backend());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read directions " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the directions to {@code --save-directions}, if given, saying how they were made. */
    void saveIfAsked(List<ParamVector> directions, String how) {
        if (save == null) return;
        try {
            DirectionFile.save(save, directions, Map.of("basin", "directions", "directions", how));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write directions " + save + ": " + e.getMessage(), e);
        }
    }

    /** A seeded direction at θ, normalised as asked. */
    ParamVector direction(ParamVector theta, SplittableRandom rng) {
        ParamVector d = Directions.gaussian(theta.backend(), theta.layout(), rng);
        switch (normalisation()) {
            case "filter":
                return Directions.filterNormalised(d, theta, oneDimensional());
            case "none":
                d.scal(1 / d.norm());
                return d;
            default:
                throw new IllegalArgumentException("--normalisation must be filter or none, got '" + normalisation() + "'");
        }
    }

    Directions.OneDimensional oneDimensional() {
        String given = oneDimensional != null ? oneDimensional : "ignore";
        switch (given.toLowerCase(Locale.ROOT)) {
            case "ignore": return Directions.OneDimensional.IGNORE;
            case "normalise": case "normalize": return Directions.OneDimensional.NORMALISE;
            case "copy": return Directions.OneDimensional.COPY_WEIGHTS;
            default: throw new IllegalArgumentException("--one-dimensional must be ignore, normalise or copy, got '" + given + "'");
        }
    }

    /** What the output says about the directions. */
    String describe() {
        if (file != null) return "read from " + file;
        return "filter".equals(normalisation())
                ? "Gaussian, filter-normalised (d_i ← d_i/‖d_i‖·‖θ_i‖ per filter of a conv weight and per row of a dense weight); " + oneDimensional().describe()
                : "Gaussian, scaled to unit norm (no filter normalisation)";
    }

    /** What a resumable grid must match about the directions: how they were drawn, or the file and its bytes. */
    void putIdentity(Map<String, Object> grid) {
        grid.put("direction", describe());
        if (file != null) grid.put("directions_crc32", LandscapeCommand.crc32(file));
    }
}
