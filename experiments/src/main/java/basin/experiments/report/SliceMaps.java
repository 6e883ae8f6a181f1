package basin.experiments.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A 2D slice drawn as maps, the same way wherever it comes from (a study's {@code slices/*.json}, or
 * {@code basin probe slice2d --plots}): the loss as a {@link Charts#heatmap} of filled level bands and,
 * where the slice measured them ({@code slice2d --curvature}), λmax, λmin and |λmin/λmax| beside it,
 * loss-landscape's eigenvalue-ratio maps (Li et al. 2018, §7). A slice is read as the probes write it:
 * {@code alphas}, {@code betas}, and grids row by row, one row per α ({@code losses[i][j]} at
 * (alphas[i], betas[j])), under {@code losses}, {@code lambda_max}, {@code lambda_min} and
 * {@code eigenvalue_ratio}.
 */
public final class SliceMaps {
    /** One grid of the slice: its field in the JSON, the suffix of its chart's name, and what its colour means. */
    private record Field(String key, String suffix, String label) {
    }

    private static final List<Field> FIELDS = List.of(
            new Field("losses", "", "loss (nats)"),
            new Field("lambda_max", "-lambda-max", "λmax (Lanczos)"),
            new Field("lambda_min", "-lambda-min", "λmin (Lanczos)"),
            new Field("eigenvalue_ratio", "-eigenvalue-ratio", "|λmin/λmax|"));

    /**
     * One map: the chart's name (its files are {@code name.png} and {@code name.svg}), what its colour
     * means, and its values, {@code z[i][j]} at (alphas[i], betas[j]).
     */
    public record Map2d(String name, String label, double[][] z) {
    }

    /** A slice's axes and every map it holds, loss first, named after the slice. */
    public record Maps(double[] alphas, double[] betas, List<Map2d> maps) {
        /**
         * Draws every map as PNG and SVG in {@code out}, the markers on each, all titled
         * {@code title}: the heatmap's title names the quantity its colours show. Returns this.
         */
        public Maps draw(RunFolder out, String title, String xLabel, String yLabel, List<Marker> markers) {
            return draw(out, title, xLabel, yLabel, List.of(), markers);
        }

        /** As {@link #draw(RunFolder, String, String, String, List)}, with {@code paths} drawn as lines on every map. */
        public Maps draw(RunFolder out, String title, String xLabel, String yLabel, List<Series> paths, List<Marker> markers) {
            for (Map2d m : maps) Charts.heatmap(out, m.name(), title, xLabel, yLabel, alphas, betas, m.z(), m.label(), paths, markers);
            return this;
        }

        /**
         * Puts the drawn maps on a report page, each PNG from {@code plots} with {@code caption} (the
         * curvature maps' captions add their quantity), then the loss as an interactive surface.
         */
        public void onPage(ReportPage page, RunFolder plots, String title, String caption, String xLabel, String yLabel,
                           List<Marker> markers) {
            for (Map2d m : maps) page.image(plots, m.name() + ".png", m == maps.get(0) ? caption : caption + " Colour: " + m.label() + ".");
            Map2d loss = maps.get(0);
            page.surface(title, alphas, betas, loss.z(), xLabel, yLabel, loss.label(), markers);
        }

        /** The PNG file names, loss first. */
        public List<String> pngs() {
            return maps.stream().map(m -> m.name() + ".png").toList();
        }

        /**
         * The maps' values as CSV: one line per grid point, α outer, a column per map named as its
         * chart ({@code alpha,beta,slice2d,slice2d-lambda-max,…}), so a picture's numbers can be read back.
         */
        public String csv() {
            StringBuilder s = new StringBuilder("alpha,beta");
            for (Map2d m : maps) s.append(',').append(m.name());
            s.append('\n');
            for (int i = 0; i < alphas.length; i++) {
                for (int j = 0; j < betas.length; j++) {
                    s.append(number(alphas[i])).append(',').append(number(betas[j]));
                    for (Map2d m : maps) s.append(',').append(number(m.z()[i][j]));
                    s.append('\n');
                }
            }
            return s.toString();
        }
    }

    private SliceMaps() {
    }

    /**
     * The maps of a slice: its loss as {@code name} and each curvature grid it holds as
     * {@code name-lambda-max}, {@code name-lambda-min} and {@code name-eigenvalue-ratio}.
     *
     * @throws IllegalArgumentException when the slice has no {@code alphas}, {@code betas} or {@code losses}
     */
    public static Maps of(String name, JsonNode slice) {
        for (String key : List.of("alphas", "betas", "losses")) {
            if (slice.get(key) == null) throw new IllegalArgumentException("slice maps " + name + ": the slice has no " + key);
        }
        List<Map2d> maps = new ArrayList<>();
        for (Field f : FIELDS) {
            JsonNode grid = slice.get(f.key());
            if (grid != null && !grid.isNull()) maps.add(new Map2d(name + f.suffix(), f.label(), rows(grid)));
        }
        return new Maps(doubles(slice.get("alphas")), doubles(slice.get("betas")), maps);
    }

    /** A JSON array of numbers as doubles; null entries (how Jackson writes NaN) as NaN. */
    public static double[] doubles(JsonNode array) {
        double[] x = new double[array.size()];
        for (int i = 0; i < x.length; i++) x[i] = array.get(i).isNull() ? Double.NaN : array.get(i).asDouble();
        return x;
    }

    /** A JSON array of rows (a grid, one row per α) as doubles. */
    public static double[][] rows(JsonNode array) {
        double[][] x = new double[array.size()][];
        for (int i = 0; i < x.length; i++) x[i] = doubles(array.get(i));
        return x;
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.17g", v) : "NaN";
    }
}
