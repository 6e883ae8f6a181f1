package basin.experiments.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportPageTest {
    private static final double[] ALPHA = {-1, 0, 1, 2};
    private static final double[] BETA = {-1, 0, 1};

    /** f(α, β) = 1 + 2α − β + 0.5αβ is bilinear, so interpolation must reproduce it exactly. */
    private static double[][] bilinearField() {
        double[][] z = new double[ALPHA.length][BETA.length];
        for (int i = 0; i < ALPHA.length; i++) for (int j = 0; j < BETA.length; j++) {
            z[i][j] = 1 + 2 * ALPHA[i] - BETA[j] + 0.5 * ALPHA[i] * BETA[j];
        }
        return z;
    }

    private static String pageWithEverything(Path dir) {
        RunFolder run = new RunFolder(dir);
        Charts.scatter(run, "points", "Points", "x (1)", "y (1)", List.of(Series.of("a", new double[] {0, 1}, new double[] {1, 2})));
        double[][] z = bilinearField();
        z[3][2] = Double.NaN;
        new ReportPage("Report <one>")
                .heading("Setup & data")
                .paragraph("loss < 1 and \"quoted\"")
                .configuration(Map.of("lr", 0.1, "note", "</pre><script>alert(1)</script>"))
                .table(new Table("t", List.of("a")).row(List.of("1")))
                .image(run, "points.png", "the \"points\" chart")
                .surface("Slice", ALPHA, BETA, z, "α", "β", "loss", List.of(new Marker("θ </script><script>alert(2)//", 0.5, 0.5)))
                .write(run, "report.html");
        try {
            return Files.readString(dir.resolve("report.html"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The page less the Plotly bundle, whose own text mentions URLs and NaN that it never loads or writes. */
    private static String pageWithoutPlotly(Path dir) {
        String html = pageWithEverything(dir);
        assertTrue(html.contains(Plotly.script()), "the bundle is not inlined verbatim");
        return html.replace(Plotly.script(), "");
    }

    @Test
    void pageLinksToNothingOutsideItself(@TempDir Path dir) {
        String html = pageWithoutPlotly(dir);
        assertFalse(Pattern.compile("(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//", Pattern.CASE_INSENSITIVE).matcher(html).find(),
                "page references a URL");
        assertFalse(html.toLowerCase().contains("<link"), "page has a <link>");
        assertTrue(html.contains("Content-Security-Policy"), "page has no CSP");
    }

    @Test
    void imagesAreEmbeddedAsDataUris(@TempDir Path dir) {
        String html = pageWithEverything(dir);
        Matcher src = Pattern.compile("<img src=\"([^\"]*)\"").matcher(html);
        assertTrue(src.find(), "no <img>");
        assertTrue(src.group(1).startsWith("data:image/png;base64,iVBORw0KGgo"), src.group(1).substring(0, 40));
        assertTrue(html.contains("<figcaption>the &quot;points&quot; chart</figcaption>"));
    }

    @Test
    void scriptCloseInALabelCannotEndTheInlineScript(@TempDir Path dir) {
        String html = pageWithEverything(dir);
        assertFalse(html.contains("</script><script>alert(2)"), "label closed the script");
        assertTrue(html.contains("θ <\\/script><script>alert(2)//"), "label not kept as escaped JSON");
        // exactly two script elements end: the Plotly bundle's and the one surface's
        assertEquals(2, Pattern.compile("</script", Pattern.CASE_INSENSITIVE).matcher(html).results().count());
    }

    @Test
    void textAndConfigurationAreEscaped(@TempDir Path dir) {
        String html = pageWithEverything(dir);
        assertTrue(html.contains("<title>Report &lt;one&gt;</title>"));
        assertTrue(html.contains("<h2>Setup &amp; data</h2>"));
        assertTrue(html.contains("<p>loss &lt; 1 and &quot;quoted&quot;</p>"));
        assertTrue(html.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void nanInTheGridBecomesJsonNull(@TempDir Path dir) {
        String html = pageWithoutPlotly(dir);
        assertFalse(html.contains("NaN,") || html.contains(",NaN"), "NaN written into JSON");
        assertTrue(html.contains("null]"), "the NaN cell is not null");
    }

    @Test
    void plotlyIsInlinedOnceAndOnlyWhenThePageHasASurface(@TempDir Path dir) {
        String banner = "plotly.js v" + Plotly.VERSION;
        assertEquals(1, Pattern.compile(Pattern.quote(banner)).matcher(pageWithEverything(dir)).results().count());
        assertFalse(new ReportPage("plain").paragraph("no plots").html().contains(banner));
    }

    @Test
    void bilinearInterpolationReproducesABilinearFieldExactly() {
        double[][] z = bilinearField();
        for (double[] p : new double[][] {{0.5, 0.5}, {-0.75, -0.2}, {1.9, 0.99}, {2, 1}, {-1, -1}, {0, 0}}) {
            double expected = 1 + 2 * p[0] - p[1] + 0.5 * p[0] * p[1];
            assertEquals(expected, ReportPage.bilinear(ALPHA, BETA, z, p[0], p[1]), 1e-12, "at " + p[0] + ", " + p[1]);
        }
        assertTrue(Double.isNaN(ReportPage.bilinear(ALPHA, BETA, z, 2.5, 0)), "outside the grid must be NaN");
    }

    @Test
    void imageThatIsNotAPngIsRefusedNamingTheFile(@TempDir Path dir) {
        RunFolder run = new RunFolder(dir);
        run.writeText("chart.png", "<svg/>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReportPage("r").image(run, "chart.png", "c"));
        assertTrue(e.getMessage().contains("chart.png"), e.getMessage());
    }
}
