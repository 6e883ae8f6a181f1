package basin.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static final long SEED = 97L;
    // Two channels of 3×4 pixels: odd enough that a channel/row/column mix-up changes the numbers.
    private static final int CHANNELS = 2;
    private static final int HEIGHT = 3;
    private static final int WIDTH = 4;
    private static final int COUNT = 23;

    private final float[] images = new float[COUNT * CHANNELS * HEIGHT * WIDTH];
    private final int[] labels = new int[COUNT];
    private final Dataset data;

    DatasetTest() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int p = 0; p < images.length; p++) images[p] = (float) random.nextDouble();
        // Each label is the example's index mod 5, so a label travelling with the wrong image shows.
        for (int i = 0; i < COUNT; i++) labels[i] = i % 5;
        data = new Dataset("toy", images, labels, CHANNELS, HEIGHT, WIDTH, 5);
    }

    @Test
    void pixelIsAtChannelMajorOffsetOfItsExample() {
        assertEquals(CHANNELS * HEIGHT * WIDTH, data.exampleSize());
        assertEquals(images[((7 * CHANNELS + 1) * HEIGHT + 2) * WIDTH + 3], data.pixel(7, 1, 2, 3));
    }

    @Test
    void constructorCopiesSoLaterWritesToTheCallersArrayDoNotShow() {
        float before = data.pixel(0, 0, 0, 0);
        images[0] = 42f;
        assertEquals(before, data.pixel(0, 0, 0, 0));
        assertNotEquals(42f, data.images()[0]);
    }

    @Test
    void labelOutsideTheClassesIsRejected() {
        int[] bad = labels.clone();
        bad[3] = 5;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("toy", images, bad, CHANNELS, HEIGHT, WIDTH, 5));
        assertTrue(e.getMessage().contains("label 5 of example 3 is outside [0, 5)"), e.getMessage());
    }

    @Test
    void imageArrayOfTheWrongLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("toy", new float[10], labels, CHANNELS, HEIGHT, WIDTH, 5));
        assertTrue(e.getMessage().contains("need 552 pixels but the image array holds 10"), e.getMessage());
    }

    @Test
    void subsetKeepsTheExamplesInOrderWithTheirLabels() {
        Dataset middle = data.subset(5, 9);

        assertEquals(4, middle.count());
        assertEquals("toy[5:9]", middle.name());
        for (int k = 0; k < 4; k++) {
            assertEquals(labels[5 + k], middle.label(k));
            assertEquals(data.pixel(5 + k, 1, 1, 1), middle.pixel(k, 1, 1, 1));
        }
        assertEquals(data.first(3).label(2), labels[2]);
    }

    @Test
    void splitPartsAreDisjointAndTogetherAreTheWholeDataset() {
        Dataset.TrainValidation parts = data.splitCount(6, SEED);

        assertEquals(6, parts.validation().count());
        assertEquals(COUNT - 6, parts.train().count());
        TreeSet<Integer> seen = new TreeSet<>();
        for (Dataset part : new Dataset[] {parts.train(), parts.validation()}) {
            for (int k = 0; k < part.count(); k++) {
                int origin = originOf(part, k);
                assertTrue(seen.add(origin), "example " + origin + " is in both parts, seed " + SEED);
                assertEquals(labels[origin], part.label(k));
            }
        }
        assertEquals(COUNT, seen.size());
    }

    @Test
    void splitIsTheSameForTheSameSeedAndDiffersForAnother() {
        int[] first = data.split(0.25, SEED).validation().labels();
        int[] again = data.split(0.25, SEED).validation().labels();
        float[] firstImages = data.split(0.25, SEED).validation().images();
        float[] otherImages = data.split(0.25, SEED + 1).validation().images();

        assertArrayEquals(first, again);
        assertEquals(6, first.length, "round(0.25 · 23) = 6");
        assertTrue(!Arrays.equals(firstImages, otherImages), "seeds " + SEED + " and " + (SEED + 1) + " chose the same examples");
    }

    @Test
    void normalisedMapsEachChannelToMinusMeanOverStd() {
        float[] mean = {0.25f, 0.5f};
        float[] std = {0.5f, 0.125f};

        Dataset normal = data.normalised(mean, std);

        for (int i = 0; i < COUNT; i += 4) {
            for (int c = 0; c < CHANNELS; c++) {
                double expected = (data.pixel(i, c, 2, 1) - (double) mean[c]) / std[c];
                // float32 subtract and multiply-by-reciprocal: a few ulps of values below 10.
                assertEquals(expected, normal.pixel(i, c, 2, 1), 1e-5);
            }
        }
        assertEquals(Dataset.SCALED + ", then per channel (x - mean) / std with mean = [0.25, 0.5] and std = [0.5, 0.125]",
                normal.describeNormalisation());
        assertEquals(Dataset.SCALED, data.describeNormalisation());
    }

    @Test
    void normalisingWithItsOwnStatisticsGivesZeroMeanAndUnitStd() {
        Dataset normal = data.normalised(data.channelMeans(), data.channelStds());

        float[] mean = normal.channelMeans();
        float[] std = normal.channelStds();
        for (int c = 0; c < CHANNELS; c++) {
            // float32 statistics of 276 pixels per channel: agreement to 1e-5 is what float32 allows.
            assertEquals(0.0, mean[c], 1e-5);
            assertEquals(1.0, std[c], 1e-5);
        }
    }

    @Test
    void channelStatisticsMatchAPlainFloat64Loop() {
        for (int c = 0; c < CHANNELS; c++) {
            double sum = 0;
            double squares = 0;
            int n = 0;
            for (int i = 0; i < COUNT; i++) {
                for (int y = 0; y < HEIGHT; y++) {
                    for (int x = 0; x < WIDTH; x++) {
                        double v = images[((i * CHANNELS + c) * HEIGHT + y) * WIDTH + x];
                        sum += v;
                        squares += v * v;
                        n++;
                    }
                }
            }
            double mean = sum / n;
            double std = Math.sqrt(squares / n - mean * mean);
            assertEquals(mean, data.channelMeans()[c], 1e-6);
            assertEquals(std, data.channelStds()[c], 1e-6);
        }
    }

    @Test
    void normalisedRejectsAZeroStd() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> data.normalised(new float[] {0, 0}, new float[] {1, 0}));
        assertTrue(e.getMessage().contains("channel 1 has mean 0.0 and std 0.0"), e.getMessage());
    }

    /** Which example of {@link #data} this is, found by its pixels (random floats do not repeat). */
    private int originOf(Dataset part, int k) {
        float[] example = new float[data.exampleSize()];
        float[] candidate = new float[data.exampleSize()];
        part.copyImage(k, example, 0);
        for (int i = 0; i < COUNT; i++) {
            data.copyImage(i, candidate, 0);
            if (Arrays.equals(example, candidate)) return i;
        }
        throw new AssertionError("example " + k + " of " + part.name() + " is not in the dataset");
    }
}
