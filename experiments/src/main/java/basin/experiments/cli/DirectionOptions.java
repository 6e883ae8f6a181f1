package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.Directions;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.SplittableRandom;

/** How a random slice direction is made: {@code --normalisation filter|none} and {@code --one-dimensional}. */
public final class DirectionOptions {

    // No picocli defaults: null means "not given", so a command can refuse these where they cannot apply.
    @Option(names = "--normalisation",
            description = "filter (Li et al.: each filter/row scaled to the norm of θ's) or none (unit Gaussian) (default: filter).")
    String normalisation;

    @Option(names = "--one-dimensional",
            description = "With filter normalisation, biases and BatchNorm parameters: ignore (zero, loss-landscape's biasbn), normalise, or copy (d = θ) (default: ignore).")
    String oneDimensional;

    /** The flags given on the command line, e.g. {@code [--normalisation]}; empty when the defaults hold. */
    java.util.List<String> given() {
        java.util.List<String> flags = new java.util.ArrayList<>();
        if (normalisation != null) flags.add("--normalisation");
        if (oneDimensional != null) flags.add("--one-dimensional");
        return flags;
    }

    private String normalisation() {
        return normalisation != null ? normalisation : "filter";
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
        return "filter".equals(normalisation())
                ? "Gaussian, filter-normalised (d_i ← d_i/‖d_i‖·‖θ_i‖ per filter of a conv weight and per row of a dense weight); " + oneDimensional().describe()
                : "Gaussian, scaled to unit norm (no filter normalisation)";
    }
}
