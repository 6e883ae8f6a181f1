package basin.experiments.report;

import java.util.Objects;

/**
 * One named curve or set of bars for {@link Charts}: y against x, with optional ± error bars.
 *
 * @param name   the legend label
 * @param x      the abscissae (ignored by {@link Charts#bars}, where y is indexed by category)
 * @param y      the values, one per x
 * @param errors half-widths of the error bars, one per y, or {@code null} for none
 */
public record Series(String name, double[] x, double[] y, double[] errors) {
    /** Checks that x, y and errors have the same length, so a chart never pairs values wrongly. */
    public Series {
        Objects.requireNonNull(name, "series name");
        Objects.requireNonNull(y, () -> "series " + name + ": y is null");
        if (x != null && x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values");
        }
        if (errors != null && errors.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + errors.length + " error bars but " + y.length + " y values");
        }
    }

    /** A series without error bars. */
    public static Series of(String name, double[] x, double[] y) {
        return new Series(name, x, y, null);
    }
}
