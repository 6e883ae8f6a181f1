package basin.experiments.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML report: text, the run's configuration, tables, embedded chart images and
 * interactive Plotly surfaces. Nothing is fetched when it opens — images are data: URIs, Plotly is
 * inlined once (only when the page has a surface), and a Content-Security-Policy forbids every
 * network request — so the file can be mailed, archived or opened from a run folder years later.
 */
public final class ReportPage {
    /** Inline scripts and styles only, images from data: URIs; Plotly's WebGL code generator needs eval. */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
            + "script-src 'unsafe-inline' 'unsafe-eval'";
    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
            table { border-collapse: collapse; margin: 1rem 0; }
            caption { font-weight: bold; text-align: left; padding-bottom: 0.3rem; }
            th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
            th { background: #f3f3f3; }
            figure { margin: 1rem 0; }
            figure img { max-width: 100%; height: auto; }
            figcaption { color: #555; font-size: 0.9rem; }
            pre.configuration { background: #f7f7f7; padding: 0.75rem; overflow-x: auto; }
            .plot { width: 100%; height: 520px; }
            """;
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** Compact JSON for plot data: the indented form would put every grid value on its own line. */
    private static final ObjectWriter COMPACT = RunFolder.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final String title;
    private final List<String> blocks = new ArrayList<>();
    private int surfaces;

    /** An empty page with a title, shown in the tab and as its h1. */
    public ReportPage(String title) {
        this.title = title;
    }

    /** A paragraph of plain text (escaped, so {@code <} shows as itself). */
    public ReportPage paragraph(String text) {
        blocks.add("<p>" + escapeHtml(text) + "</p>");
        return this;
    }

    /** A section heading (h2). */
    public ReportPage heading(String text) {
        blocks.add("<h2>" + escapeHtml(text) + "</h2>");
        return this;
    }

    /** The run's configuration as indented JSON in a {@code <pre>}. */
    public ReportPage configuration(Map<String, ?> config) {
        try {
            blocks.add("<pre class=\"configuration\">" + escapeHtml(RunFolder.JSON.writeValueAsString(config)) + "</pre>");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("report " + title + ": cannot encode the configuration as JSON: " + e.getMessage(), e);
        }
        return this;
    }

    /** A table, with its caption. */
    public ReportPage table(Table t) {
        blocks.add(t.html());
        return this;
    }

    /** A PNG from the run folder, read now and embedded as a data: URI so the page stands alone. */
    public ReportPage image(RunFolder folder, String pngFileName, String caption) {
        Path file = folder.resolve(pngFileName);
        byte[] png;
        try {
            png = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("report " + title + ": cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (png.length < PNG_MAGIC.length || !java.util.Arrays.equals(png, 0, PNG_MAGIC.length, PNG_MAGIC, 0, PNG_MAGIC.length)) {
            throw new IllegalArgumentException("report " + title + ": image " + file + " is not a PNG");
        }
        blocks.add("<figure><img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\" alt=\""
                + escapeHtml(caption) + "\"><figcaption>" + escapeHtml(caption) + "</figcaption></figure>");
        return this;
    }

    /**
     * A 2D field z[i][j] at (xs[i], ys[j]) as an interactive Plotly 3D surface and, below it, a
     * contour map of the same field. Each marker is drawn on both: on the surface at the z value
     * interpolated bilinearly from the grid (left out if it lies outside the grid), on the contour at
     * its (x, y), each with its label. Colours run from the minimum to the 95th percentile, as in
     * {@link Charts#heatmap}, so a few huge corner losses do not flatten the basin's colours.
     */
    public ReportPage surface(String title, double[] xs, double[] ys, double[][] z, String xLabel, String yLabel,
                              String zLabel, List<Marker> markers) {
        Charts.requireGrid("surface " + title, xs, ys, z);
        List<Marker> shown = markers == null ? List.of() : markers;
        Double[][] rows = new Double[ys.length][xs.length];    // Plotly wants z[row = y][column = x]
        for (int i = 0; i < xs.length; i++) for (int j = 0; j < ys.length; j++) rows[j][i] = finiteOrNull(z[i][j]);
        double[] finite = java.util.Arrays.stream(z).flatMapToDouble(java.util.Arrays::stream).filter(Double::isFinite).sorted().toArray();
        Double cmin = finite.length == 0 ? null : finite[0];
        Double cmax = finite.length == 0 ? null : Charts.quantile(finite, Charts.ROBUST_QUANTILE);

        List<Double> mx = new ArrayList<>();
        List<Double> my = new ArrayList<>();
        List<Double> mz = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Marker m : shown) {
            mx.add(finiteOrNull(m.x()));
            my.add(finiteOrNull(m.y()));
            mz.add(finiteOrNull(bilinear(xs, ys, z, m.x(), m.y())));
            labels.add(m.label());
        }
        Map<String, Object> colourBar = Map.of("title", Map.of("text", zLabel));
        Map<String, Object> surface = map("type", "surface", "x", xs, "y", ys, "z", rows, "colorscale", "Viridis",
                "cmin", cmin, "cmax", cmax, "colorbar", colourBar, "name", zLabel);
        Map<String, Object> points3d = map("type", "scatter3d", "mode", "markers+text", "x", mx, "y", my, "z", mz,
                "text", labels, "textposition", "top center", "name", "markers",
                "marker", Map.of("size", 5, "color", "#e41a1c"));
        Map<String, Object> contour = map("type", "contour", "x", xs, "y", ys, "z", rows, "colorscale", "Viridis",
                "zauto", false, "zmin", cmin, "zmax", cmax, "colorbar", colourBar, "name", zLabel);
        Map<String, Object> points2d = map("type", "scatter", "mode", "markers+text", "x", mx, "y", my, "text", labels,
                "textposition", "top center", "name", "markers", "marker", Map.of("size", 10, "color", "#e41a1c", "symbol", "diamond"));
        Map<String, Object> axis3d = map("xaxis", Map.of("title", Map.of("text", xLabel)),
                "yaxis", Map.of("title", Map.of("text", yLabel)), "zaxis", Map.of("title", Map.of("text", zLabel)));
        Map<String, Object> layout3d = map("title", Map.of("text", title), "scene", axis3d, "showlegend", false,
                "margin", Map.of("l", 0, "r", 0, "b", 0, "t", 40));
        Map<String, Object> layout2d = map("title", Map.of("text", title + " (contours)"), "showlegend", false,
                "xaxis", Map.of("title", Map.of("text", xLabel)), "yaxis", Map.of("title", Map.of("text", yLabel)));

        int k = surfaces++;
        String id3d = "surface-" + k + "-3d";
        String id2d = "surface-" + k + "-contour";
        List<Object> traces3d = shown.isEmpty() ? List.of(surface) : List.of(surface, points3d);
        List<Object> traces2d = shown.isEmpty() ? List.of(contour) : List.of(contour, points2d);
        String config = "{\"displaylogo\":false,\"responsive\":true}";
        blocks.add("<div class=\"plot\" id=\"" + id3d + "\"></div>\n<div class=\"plot\" id=\"" + id2d + "\"></div>\n<script>\n"
                + "Plotly.newPlot(\"" + id3d + "\", " + scriptJson(traces3d) + ", " + scriptJson(layout3d) + ", " + config + ");\n"
                + "Plotly.newPlot(\"" + id2d + "\", " + scriptJson(traces2d) + ", " + scriptJson(layout2d) + ", " + config + ");\n"
                + "</script>");
        return this;
    }

    /** Writes the page to {@code fileName} in the folder, atomically. */
    public void write(RunFolder folder, String fileName) {
        folder.writeText(fileName, html());
    }

    /** The whole page as HTML text. */
    String html() {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CONTENT_SECURITY_POLICY).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escapeHtml(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n");
        if (surfaces > 0) b.append("<script>\n").append(inlineScript(Plotly.script())).append("\n</script>\n");
        b.append("</head>\n<body>\n<h1>").append(escapeHtml(title)).append("</h1>\n");
        for (String block : blocks) b.append(block).append('\n');
        return b.append("</body>\n</html>\n").toString();
    }

    /**
     * f at (x, y) from the grid by bilinear interpolation in the cell that holds the point; NaN
     * outside the grid or when a corner of that cell is NaN.
     */
    static double bilinear(double[] xs, double[] ys, double[][] z, double x, double y) {
        int i = cell(xs, x);
        int j = cell(ys, y);
        if (i < 0 || j < 0) return Double.NaN;
        double s = (x - xs[i]) / (xs[i + 1] - xs[i]);
        double t = (y - ys[j]) / (ys[j + 1] - ys[j]);
        return (1 - s) * (1 - t) * z[i][j] + s * (1 - t) * z[i + 1][j] + (1 - s) * t * z[i][j + 1] + s * t * z[i + 1][j + 1];
    }

    /** The index i with v[i] ≤ p ≤ v[i+1], or -1 outside [v[0], v[n-1]]. */
    private static int cell(double[] v, double p) {
        if (!(p >= v[0] && p <= v[v.length - 1])) return -1;
        int i = 0;
        while (i < v.length - 2 && p > v[i + 1]) i++;
        return i;
    }

    /** Escapes text for both HTML text and quoted attribute values. */
    static String escapeHtml(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A value as JSON that is safe inside an inline script: {@code </} becomes {@code <\/} and
     * {@code <!--} becomes {@code <\u0021--}, so no label can close the script or open an HTML comment.
     */
    static String scriptJson(Object value) {
        try {
            return COMPACT.writeValueAsString(value).replace("</", "<\\/").replace("<!--", "<\\u0021--");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode plot data as JSON: " + e.getMessage(), e);
        }
    }

    /** Refuses a bundle that would end its own script element; the pinned Plotly never does. */
    private static String inlineScript(String js) {
        String lower = js.toLowerCase(Locale.ROOT);
        if (lower.contains("</script") || lower.contains("<!--")) {
            throw new IllegalStateException(Plotly.RESOURCE + ": contains </script or <!-- and cannot be inlined");
        }
        return js;
    }

    /** JSON has no NaN: a missing value is null, which Plotly leaves as a gap. */
    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** An insertion-ordered map from alternating keys and values (nulls allowed, unlike Map.of). */
    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < keysAndValues.length; k += 2) m.put((String) keysAndValues[k], keysAndValues[k + 1]);
        return m;
    }
}
