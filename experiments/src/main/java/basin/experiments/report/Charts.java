package basin.experiments.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Static charts for run reports, drawn entirely by XChart. Every method writes {@code name.png}
 * (800 × 500 px) and {@code name.svg} into the run folder, each atomically, and returns the two file
 * names. Points whose x, y or error bar is NaN or infinite are left out, so a diverged run still
 * plots; an empty list of series is an error, because a chart of nothing hides a bug upstream.
 */
public final class Charts {
    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    /** Colour bands in a heatmap between the minimum and the robust maximum. */
    static final int LEVELS = 10;
    /** The robust maximum of a heatmap's colour scale, as a quantile of its finite values. */
    static final double ROBUST_QUANTILE = 0.95;

    /** Viridis at eleven evenly spaced stops (van der Walt & Smith, matplotlib 2015): perceptually ordered. */
    private static final int[] VIRIDIS = {0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C,
            0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725};
    /** Marker colours chosen to stand out on viridis, which has no reds or pinks. */
    private static final Color[] MARKER_COLOURS = {new Color(0xE41A1C), new Color(0xFF7F0E), new Color(0xF781BF),
            Color.BLACK, Color.WHITE};
    /**
     * Path colours: white and black read on every viridis band. Each path's points take the other
     * colour, so that a white path still shows in the white legend.
     */
    private static final Color[] PATH_COLOURS = {Color.WHITE, Color.BLACK};
    private static final org.knowm.xchart.style.markers.Marker[] MARKER_SHAPES = {SeriesMarkers.DIAMOND,
            SeriesMarkers.TRIANGLE_UP, SeriesMarkers.SQUARE, SeriesMarkers.CIRCLE, SeriesMarkers.TRIANGLE_DOWN};

    private Charts() {
    }

    /**
     * A line chart with a point at each datum, ± error bars where {@link Series#errors()} is given,
     * and each {@link Marker} as its own labelled point in the legend.
     */
    public static List<String> lines(RunFolder out, String name, String title, String xLabel, String yLabel,
                                     List<Series> series, List<Marker> markers) {
        requireSeries(name, series);
        XYChart chart = xyChart(title, xLabel, yLabel);
        Set<String> used = new HashSet<>();
        for (Series s : series) addXy(chart, name, s, used, XYSeries.XYSeriesRenderStyle.Line);
        addMarkers(chart, markers, used);
        return write(out, name, chart, used.size());
    }

    /** A scatter chart: markers only, no lines, ± error bars where given. */
    public static List<String> scatter(RunFolder out, String name, String title, String xLabel, String yLabel,
                                       List<Series> series) {
        requireSeries(name, series);
        XYChart chart = xyChart(title, xLabel, yLabel);
        Set<String> used = new HashSet<>();
        for (Series s : series) addXy(chart, name, s, used, XYSeries.XYSeriesRenderStyle.Scatter);
        return write(out, name, chart, used.size());
    }

    /**
     * A grouped bar chart: series s has the bar {@code s.y()[k]} over {@code categories.get(k)};
     * {@link Series#x()} is ignored. A non-finite value leaves its bar out.
     */
    public static List<String> bars(RunFolder out, String name, String title, String xLabel, String yLabel,
                                    List<String> categories, List<Series> series) {
        requireSeries(name, series);
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setOverlapped(false);
        Set<String> used = new HashSet<>();
        for (Series s : series) {
            if (s.y().length != categories.size()) {
                throw new IllegalArgumentException("chart " + name + ": series " + s.name() + " has " + s.y().length
                        + " values for " + categories.size() + " categories");
            }
            List<Double> y = new ArrayList<>();
            List<Double> e = new ArrayList<>();
            for (int k = 0; k < s.y().length; k++) {
                double err = s.errors() == null ? 0 : s.errors()[k];
                boolean finite = Double.isFinite(s.y()[k]) && Double.isFinite(err);
                // XChart leaves a NaN bar out but fails on null, and needs one value per category
                y.add(finite ? s.y()[k] : Double.NaN);
                e.add(finite ? err : 0.0);
            }
            String label = unique(s.name(), used);
            if (s.errors() == null) chart.addSeries(label, categories, y);
            else chart.addSeries(label, categories, y, e);
        }
        return write(out, name, chart, used.size());
    }

    /**
     * A 2D field as filled colour bands on numeric axes, with the markers on top: z[i][j] is the
     * value at (xs[i], ys[j]). The bands are {@value #LEVELS} equal steps from the minimum to the
     * 95th percentile of the finite values (the top band's legend entry says so), and one more band
     * for everything above it, so a few huge losses at the corners of a slice do not wash out the basin. Each band
     * is one XChart polygon series (its legend entry gives the range); NaN cells are left blank.
     */
    public static List<String> heatmap(RunFolder out, String name, String title, String xLabel, String yLabel,
                                       double[] xs, double[] ys, double[][] z, String zLabel, List<Marker> markers) {
        return heatmap(out, name, title, xLabel, yLabel, xs, ys, z, zLabel, List.of(), markers);
    }

    /**
     * As {@link #heatmap(RunFolder, String, String, String, String, double[], double[], double[][], String, List)},
     * with each of {@code paths} drawn on the bands as a line through its points (a training
     * trajectory on its PCA plane), under the markers.
     */
    public static List<String> heatmap(RunFolder out, String name, String title, String xLabel, String yLabel,
                                       double[] xs, double[] ys, double[][] z, String zLabel, List<Series> paths, List<Marker> markers) {
        requireGrid("chart " + name, xs, ys, z);
        double[] finite = Arrays.stream(z).flatMapToDouble(Arrays::stream).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) throw new IllegalArgumentException("chart " + name + ": every z value is NaN or infinite");
        double zMin = finite[0];
        double zTop = quantile(finite, ROBUST_QUANTILE);
        boolean overflow = finite[finite.length - 1] > zTop;
        int bands = (zTop > zMin ? LEVELS : 1) + (overflow ? 1 : 0);
        double step = zTop > zMin ? (zTop - zMin) / LEVELS : 1;

        // The scale goes in the legend, not the title: a title long enough to hold it was cut off at both ends.
        XYChart chart = xyChart(title + " (colour: " + zLabel + ")", xLabel, yLabel);
        double[] xEdges = edges(xs);
        double[] yEdges = edges(ys);
        Set<String> used = new HashSet<>();
        for (int band = 0; band < bands; band++) {
            List<Double> px = new ArrayList<>();
            List<Double> py = new ArrayList<>();
            for (int j = 0; j < ys.length; j++) {
                // one rectangle per run of same-band cells along x keeps the SVG small
                for (int i = 0; i < xs.length; ) {
                    if (bandOf(z[i][j], zMin, zTop, step, bands, overflow) != band) { i++; continue; }
                    int start = i;
                    while (i < xs.length && bandOf(z[i][j], zMin, zTop, step, bands, overflow) == band) i++;
                    rectangle(px, py, xEdges[start], xEdges[i], yEdges[j], yEdges[j + 1]);
                }
            }
            if (px.isEmpty()) continue;
            boolean top = band == bands - (overflow ? 2 : 1);
            String label = overflow && band == bands - 1 ? "> " + format(zTop)
                    : format(zMin + band * step) + " – " + format(top ? zTop : zMin + (band + 1) * step) + (top && overflow ? " (95th pct.)" : "");
            XYSeries s = chart.addSeries(unique(label, used), px, py);
            Color colour = viridis(bands == 1 ? 0 : (double) band / (bands - 1));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            s.setMarker(SeriesMarkers.NONE);
            s.setFillColor(colour);
            s.setLineColor(colour);
        }
        int k = 0;
        for (Series path : paths) {
            XYSeries s = addXy(chart, name, path, used, XYSeries.XYSeriesRenderStyle.Line);
            if (s == null) continue;                       // no finite point
            s.setLineColor(PATH_COLOURS[k % PATH_COLOURS.length]);
            s.setMarkerColor(PATH_COLOURS[(k + 1) % PATH_COLOURS.length]);
            s.setLineWidth(2.5f);
            k++;
        }
        addMarkers(chart, markers, used);
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setMarkerSize(11);   // the bands draw no markers, so only the models grow
        return write(out, name, chart, 2);
    }

    private static XYChart xyChart(String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(7);
        return chart;
    }

    private static void style(AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xDDDDDD));
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setLocale(Locale.ROOT);
        styler.setErrorBarsColorSeriesColor(true);
        styler.setAntiAlias(true);
    }

    /** Adds the finite points of s, if any, and returns its series (null for none); XChart throws on NaN and on a series with no points. */
    private static XYSeries addXy(XYChart chart, String name, Series s, Set<String> used, XYSeries.XYSeriesRenderStyle style) {
        if (s.x() == null) throw new IllegalArgumentException("chart " + name + ": series " + s.name() + " has no x values");
        int n = 0;
        double[] x = new double[s.y().length];
        double[] y = new double[x.length];
        double[] e = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double err = s.errors() == null ? 0 : s.errors()[k];
            if (!Double.isFinite(s.x()[k]) || !Double.isFinite(s.y()[k]) || !Double.isFinite(err)) continue;
            x[n] = s.x()[k];
            y[n] = s.y()[k];
            e[n++] = err;
        }
        if (n == 0) return null;
        String label = unique(s.name(), used);
        XYSeries series = s.errors() == null
                ? chart.addSeries(label, Arrays.copyOf(x, n), Arrays.copyOf(y, n))
                : chart.addSeries(label, Arrays.copyOf(x, n), Arrays.copyOf(y, n), Arrays.copyOf(e, n));
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setXYSeriesRenderStyle(style);
        return series;
    }

    private static void addMarkers(XYChart chart, List<Marker> markers, Set<String> used) {
        if (markers == null) return;
        int k = 0;
        for (Marker m : markers) {
            if (!Double.isFinite(m.x()) || !Double.isFinite(m.y())) continue;
            XYSeries s = chart.addSeries(unique(m.label(), used), new double[] {m.x()}, new double[] {m.y()});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(MARKER_SHAPES[k % MARKER_SHAPES.length]);
            s.setMarkerColor(MARKER_COLOURS[k % MARKER_COLOURS.length]);
            k++;
        }
    }

    /** Renders PNG and SVG in memory, then writes each atomically; a legend only when it tells series apart. */
    private static List<String> write(RunFolder out, String name, Chart<?, ?> chart, int seriesCount) {
        chart.getStyler().setLegendVisible(seriesCount > 1);
        String png = name + ".png";
        String svg = name + ".svg";
        try {
            byte[] pngBytes = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            ByteArrayOutputStream svgBytes = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(chart, svgBytes, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            RunFolder.writeAtomically(out.resolve(png), pngBytes);
            RunFolder.writeAtomically(out.resolve(svg), svgBytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("chart " + name + ": cannot render in " + out.path() + ": " + e.getMessage(), e);
        }
        return List.of(png, svg);
    }

    private static void requireSeries(String name, List<Series> series) {
        if (series == null || series.isEmpty()) throw new IllegalArgumentException("chart " + name + ": no series to draw");
    }

    /** Checks z is xs.length × ys.length and both axes strictly increase; shared with {@link ReportPage#surface}. */
    static void requireGrid(String what, double[] xs, double[] ys, double[][] z) {
        if (xs.length < 2 || ys.length < 2) {
            throw new IllegalArgumentException(what + ": a grid needs at least 2 × 2 points, got " + xs.length + " × " + ys.length);
        }
        if (z.length != xs.length) throw new IllegalArgumentException(what + ": z has " + z.length + " rows for " + xs.length + " x values");
        for (int i = 0; i < z.length; i++) {
            if (z[i].length != ys.length) {
                throw new IllegalArgumentException(what + ": z[" + i + "] has " + z[i].length + " values for " + ys.length + " y values");
            }
        }
        requireIncreasing(what, "x", xs);
        requireIncreasing(what, "y", ys);
    }

    private static void requireIncreasing(String what, String axis, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) throw new IllegalArgumentException(what + ": " + axis + "[" + i + "] = " + v[i] + " is not finite");
            if (i > 0 && !(v[i] > v[i - 1])) throw new IllegalArgumentException(what + ": " + axis + " values must strictly increase, but "
                    + axis + "[" + (i - 1) + "] = " + v[i - 1] + " and " + axis + "[" + i + "] = " + v[i]);
        }
    }

    /** Nearest-rank quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static int bandOf(double z, double zMin, double zTop, double step, int bands, boolean overflow) {
        if (!Double.isFinite(z)) return -1;
        if (overflow && z > zTop) return bands - 1;
        int levels = bands - (overflow ? 1 : 0);
        return Math.min(levels - 1, (int) Math.floor((z - zMin) / step));
    }

    /** Cell boundaries halfway between grid points, extended by half a step at the ends. */
    private static double[] edges(double[] v) {
        double[] e = new double[v.length + 1];
        for (int i = 1; i < v.length; i++) e[i] = 0.5 * (v[i - 1] + v[i]);
        e[0] = v[0] - (e[1] - v[0]);
        e[v.length] = v[v.length - 1] + (v[v.length - 1] - e[v.length - 1]);
        return e;
    }

    /** A closed rectangle; the null pair ends the polygon so XChart starts the next one afresh. */
    private static void rectangle(List<Double> px, List<Double> py, double x0, double x1, double y0, double y1) {
        px.addAll(List.of(x0, x1, x1, x0, x0));
        py.addAll(List.of(y0, y0, y1, y1, y0));
        px.add(null);
        py.add(null);
    }

    /** Viridis at t ∈ [0, 1], linear between the stops. */
    static Color viridis(double t) {
        double u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int k = Math.min(VIRIDIS.length - 2, (int) u);
        double f = u - k;
        int a = VIRIDIS[k];
        int b = VIRIDIS[k + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
    }

    /** XChart refuses two series of one name; a repeated label gets " (2)", " (3)", …. */
    private static String unique(String label, Set<String> used) {
        String candidate = label;
        for (int k = 2; !used.add(candidate); k++) candidate = label + " (" + k + ")";
        return candidate;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
