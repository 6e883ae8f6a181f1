package basin.experiments.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final double[] EPOCHS = {0, 1, 2, 3, 4};

    @Test
    void linesWritesAPngAndAnSvgAndReturnsTheirNames(@TempDir Path dir) throws IOException {
        List<String> files = Charts.lines(new RunFolder(dir), "lambda", "Sharpness", "epoch", "λmax (1)",
                List.of(new Series("λmax", EPOCHS, new double[] {1, 4, 9, 16, 25}, new double[] {1, 1, 1, 2, 2})),
                List.of(new Marker("2/η reached", 3, 16)));
        assertEquals(List.of("lambda.png", "lambda.svg"), files);
        assertIsPng(dir.resolve("lambda.png"));
        assertIsSvg(dir.resolve("lambda.svg"));
    }

    @Test
    void pngIsEightHundredByFiveHundredPixels(@TempDir Path dir) throws IOException {
        Charts.scatter(new RunFolder(dir), "points", "Points", "x (1)", "y (1)",
                List.of(Series.of("a", EPOCHS, new double[] {3, 1, 4, 1, 5})));
        BufferedImage image = ImageIO.read(dir.resolve("points.png").toFile());
        assertEquals(800, image.getWidth());
        assertEquals(500, image.getHeight());
    }

    @Test
    void nonFinitePointsAreDroppedWithoutCrashing(@TempDir Path dir) throws IOException {
        RunFolder run = new RunFolder(dir);
        double[] y = {1, Double.NaN, 3, Double.POSITIVE_INFINITY, 5};
        Charts.lines(run, "diverged", "Diverged run", "epoch", "loss (nats)",
                List.of(new Series("loss", EPOCHS, y, new double[] {0.1, 0.1, Double.NaN, 0.1, 0.1}),
                        Series.of("all NaN", EPOCHS, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN})), null);
        Charts.scatter(run, "diverged-scatter", "Diverged run", "epoch", "loss (nats)", List.of(Series.of("loss", EPOCHS, y)));
        Charts.bars(run, "diverged-bars", "Diverged run", "epoch", "loss (nats)",
                List.of("a", "b", "c", "d", "e"), List.of(new Series("loss", null, y, new double[] {1, 1, 1, 1, 1})));
        Charts.scatter(run, "only-nan", "Nothing finite", "epoch", "loss (nats)",
                List.of(Series.of("loss", EPOCHS, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN})));
        for (String name : List.of("diverged", "diverged-scatter", "diverged-bars", "only-nan")) {
            assertIsPng(dir.resolve(name + ".png"));
            assertIsSvg(dir.resolve(name + ".svg"));
        }
    }

    @Test
    void barsNeedOneValuePerCategoryAndSayWhichSeriesHasNot(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Charts.bars(new RunFolder(dir),
                "by-model", "By model", "model", "λmax (1)", List.of("MLP", "CNN"), List.of(Series.of("SGD", null, new double[] {1}))));
        assertTrue(e.getMessage().contains("by-model") && e.getMessage().contains("SGD"), e.getMessage());
    }

    @Test
    void heatmapWithMarkersDrawsBandsInViridisAndTheMarkers(@TempDir Path dir) throws IOException {
        double[] alpha = ReportInBrowserTest.grid(-1, 1, 21);
        double[] beta = ReportInBrowserTest.grid(-2, 2, 17);
        double[][] loss = ReportInBrowserTest.bowl(alpha, beta);
        loss[0][0] = Double.NaN;
        List<String> files = Charts.heatmap(new RunFolder(dir), "slice", "Loss slice", "α (1)", "β (1)", alpha, beta, loss,
                "loss (nats)", List.of(new Marker("θ₀", 0, 0), new Marker("θ₁", 0.5, 1)));
        assertEquals(List.of("slice.png", "slice.svg"), files);
        assertIsSvg(dir.resolve("slice.svg"));
        BufferedImage image = ImageIO.read(dir.resolve("slice.png").toFile());
        // the basin's floor is the darkest viridis colour, and the first marker is red on top of it
        assertTrue(countPixels(image, Charts.viridis(0).getRGB()) > 1000, "no viridis floor drawn");
        assertTrue(countPixels(image, 0xFFE41A1C) > 10, "marker θ₀ not drawn");
    }

    @Test
    void heatmapRefusesAGridWhoseShapeDisagreesWithItsAxes(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Charts.heatmap(new RunFolder(dir),
                "slice", "Loss slice", "α", "β", new double[] {0, 1, 2}, new double[] {0, 1}, new double[2][2], "loss", List.of()));
        assertTrue(e.getMessage().contains("chart slice") && e.getMessage().contains("3 x values"), e.getMessage());
    }

    @Test
    void emptySeriesListIsRefusedNamingTheChart(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.lines(new RunFolder(dir), "lambda", "Sharpness", "epoch", "λmax", List.of(), List.of()));
        assertTrue(e.getMessage().contains("lambda"), e.getMessage());
    }

    @Test
    void quantileIsTheNearestRank() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        assertEquals(19, Charts.quantile(sorted, 0.95));
        assertEquals(1, Charts.quantile(sorted, 0));
        assertEquals(20, Charts.quantile(sorted, 1));
    }

    private static void assertIsPng(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(bytes, PNG_MAGIC.length), file + " is not a PNG");
    }

    private static void assertIsSvg(Path file) throws IOException {
        String head = new String(Files.readAllBytes(file), 0, 200, StandardCharsets.UTF_8).strip();
        assertTrue(head.startsWith("<?xml") || head.startsWith("<svg"), file + " starts with " + head);
        assertTrue(Files.readString(file).contains("</svg>"), file + " has no closing </svg>");
    }

    private static int countPixels(BufferedImage image, int argb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) for (int x = 0; x < image.getWidth(); x++) if (image.getRGB(x, y) == argb) n++;
        return n;
    }
}
