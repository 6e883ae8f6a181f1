package basin.experiments.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens reports in headless Debian chromium through {@code experiments/browser/check-report.mjs}:
 * a real page must render offline with no errors, and a broken one must be caught. Skipped where
 * chromium, node or playwright-core is missing.
 */
class ReportInBrowserTest {
    private static final Path SCRIPT = Path.of("browser", "check-report.mjs").toAbsolutePath();
    private static final String HOW = "run `apt-get install -y chromium` and "
            + "`PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix experiments/browser`";

    @Test
    void reportWithChartsTableAndSurfaceRendersOfflineWithoutErrors(@TempDir Path dir) throws Exception {
        assumeBrowser();
        RunFolder run = new RunFolder(dir);
        double[] steps = {0, 1, 2, 3, 4, 5};
        Charts.lines(run, "lambda", "Sharpness during training", "epoch", "λmax (1)",
                List.of(new Series("λmax", steps, new double[] {2, 8, 15, 19, 20, 20.5}, new double[] {1, 1, 2, 1, 1, 1}),
                        Series.of("2/η", steps, new double[] {20, 20, 20, 20, 20, 20})),
                List.of(new Marker("edge of stability", 4, 20)));
        double[] alpha = grid(-1, 1, 31);
        double[] beta = grid(-1, 1, 25);
        double[][] loss = bowl(alpha, beta);
        List<Marker> models = List.of(new Marker("θ₀", 0, 0), new Marker("θ₁", 0.5, -0.25));
        Charts.heatmap(run, "slice", "Loss on a 2D slice", "α (1)", "β (1)", alpha, beta, loss, "loss (nats)", models);
        new ReportPage("Browser check")
                .paragraph("A table, two charts and an interactive surface.")
                .table(new Table("Sharpness", List.of("epoch", "λmax")).row(List.of("0", "2.00")).row(List.of("5", "20.50")))
                .image(run, "lambda.png", "λmax against epoch")
                .image(run, "slice.png", "the loss slice")
                .surface("Loss surface", alpha, beta, loss, "α (1)", "β (1)", "loss (nats)", models)
                .write(run, "report.html");

        Result result = check(dir.resolve("report.html"), dir.resolve("report.png"), 2);

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(Files.size(dir.resolve("report.png")) > 0, result.output());
    }

    @Test
    void pageWhoseScriptThrowsFailsTheCheck(@TempDir Path dir) throws Exception {
        assumeBrowser();
        RunFolder run = new RunFolder(dir);
        run.writeText("broken.html", "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>broken</title></head>"
                + "<body><h1>A page that throws</h1><p>Some text so the screenshot is not blank.</p>"
                + "<script>throw new Error('deliberately broken report');</script></body></html>");

        Result result = check(dir.resolve("broken.html"), dir.resolve("broken.png"), 0);

        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("deliberately broken report"), result.output());
    }

    private record Result(int exitCode, String output) {
    }

    private static Result check(Path report, Path screenshot, int minPlots) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("node", SCRIPT.toString(), report.toString(), screenshot.toString(), String.valueOf(minPlots))
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();    // the script prints little, so reading first cannot deadlock
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "check-report.mjs timed out\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), "check-report.mjs said:\n" + new String(out, StandardCharsets.UTF_8));
    }

    private static void assumeBrowser() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "/usr/bin/chromium is missing: " + HOW);
        assumeTrue(nodeRuns(), "node is not on the PATH: " + HOW);
        assumeTrue(Files.isDirectory(Path.of("browser", "node_modules", "playwright-core")),
                "experiments/browser/node_modules/playwright-core is missing: " + HOW);
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static double[] grid(double from, double to, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = from + (to - from) * k / (n - 1);
        return v;
    }

    /** A tilted bowl with steep walls, so the corners hold the few huge values a robust scale ignores. */
    static double[][] bowl(double[] xs, double[] ys) {
        double[][] z = new double[xs.length][ys.length];
        for (int i = 0; i < xs.length; i++) {
            for (int j = 0; j < ys.length; j++) {
                double r2 = xs[i] * xs[i] + 2 * ys[j] * ys[j] + 0.3 * xs[i] * ys[j];
                z[i][j] = r2 + Math.pow(r2, 4);
            }
        }
        return z;
    }
}
