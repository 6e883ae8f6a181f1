package basin.experiments.report;

import java.util.Objects;

/**
 * A labelled point drawn on a chart or a surface: a model's position (α, β) on a 2D slice, or the
 * top of the barrier on an interpolation path.
 *
 * @param label the text shown beside the point and in the legend
 * @param x     the abscissa, in the chart's x units
 * @param y     the ordinate, in the chart's y units
 */
public record Marker(String label, double x, double y) {
    /** Requires a label: an unlabelled marker cannot be told apart from the data. */
    public Marker {
        Objects.requireNonNull(label, "marker label");
    }
}
