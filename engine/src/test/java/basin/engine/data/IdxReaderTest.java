package basin.engine.data;

import static basin.engine.data.DataFixtures.concat;
import static basin.engine.data.DataFixtures.idxHeader;
import static basin.engine.data.DataFixtures.idxImages;
import static basin.engine.data.DataFixtures.idxLabels;
import static basin.engine.data.DataFixtures.randomBytes;
import static basin.engine.data.DataFixtures.randomLabels;
import static basin.engine.data.DataFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    private static final long SEED = 20240611L;
    // Odd sizes so that a row/column mix-up or an off-by-one in the layout shows.
    private static final int COUNT = 7;
    private static final int ROWS = 5;
    private static final int COLUMNS = 3;

    @TempDir
    Path folder;

    private final byte[] pixels = randomBytes(SEED, COUNT * ROWS * COLUMNS);
    private final byte[] labels = randomLabels(SEED + 1, COUNT, 10);

    @Test
    void plainPairReadsAsPixelsOverTwoFiftyFiveWithTheirLabels() throws IOException {
        Path images = write(folder.resolve("images"), idxImages(COUNT, ROWS, COLUMNS, pixels), false);
        Path labelFile = write(folder.resolve("labels"), idxLabels(labels), false);

        Dataset data = IdxReader.read("tiny", images, labelFile, 10);

        assertMatchesBytes(data);
    }

    @Test
    void gzipPairReadsTheSameAsThePlainPair() throws IOException {
        Path images = write(folder.resolve("images.gz"), idxImages(COUNT, ROWS, COLUMNS, pixels), true);
        Path labelFile = write(folder.resolve("labels.gz"), idxLabels(labels), true);

        assertMatchesBytes(IdxReader.read("tiny", images, labelFile, 10));
    }

    @Test
    void gzipIsRecognisedByItsMagicBytesNotByTheFileName() throws IOException {
        Path compressedWithoutSuffix = write(folder.resolve("images"), idxImages(COUNT, ROWS, COLUMNS, pixels), true);
        Path plainWithSuffix = write(folder.resolve("labels.gz"), idxLabels(labels), false);

        assertMatchesBytes(IdxReader.read("tiny", compressedWithoutSuffix, plainWithSuffix, 10));
    }

    @Test
    void readSplitTakesTrainAndT10kFilesWhetherCompressedOrNot() throws IOException {
        byte[] testLabels = randomLabels(SEED + 2, 3, 10);
        write(folder.resolve("train-images-idx3-ubyte.gz"), idxImages(COUNT, ROWS, COLUMNS, pixels), true);
        write(folder.resolve("train-labels-idx1-ubyte"), idxLabels(labels), false);
        write(folder.resolve("t10k-images-idx3-ubyte"), idxImages(3, ROWS, COLUMNS, randomBytes(SEED + 3, 3 * 15)), false);
        write(folder.resolve("t10k-labels-idx1-ubyte.gz"), idxLabels(testLabels), true);

        Dataset train = IdxReader.readSplit("tiny", folder, Split.TRAIN, 10);
        Dataset test = IdxReader.readSplit("tiny", folder, Split.TEST, 10);

        assertMatchesBytes(train);
        assertEquals("tiny/train", train.name());
        assertEquals("tiny/test", test.name());
        assertEquals(3, test.count());
        assertEquals(testLabels[2], test.label(2));
    }

    @Test
    void labelsFileGivenAsImagesIsRejectedForItsMagicNumber() throws IOException {
        Path wrong = write(folder.resolve("train-images-idx3-ubyte"), idxLabels(labels), false);
        Path labelFile = write(folder.resolve("labels"), idxLabels(labels), false);

        assertFailsNaming(wrong, () -> IdxReader.read("tiny", wrong, labelFile, 10),
                "magic number 0x00000801 is not 0x00000803", "labels file");
    }

    @Test
    void truncatedPlainImagesFileSaysHowMuchDataItHolds() throws IOException {
        byte[] whole = idxImages(COUNT, ROWS, COLUMNS, pixels);
        Path images = write(folder.resolve("images"), Arrays.copyOf(whole, whole.length - 20), false);
        Path labelFile = write(folder.resolve("labels"), idxLabels(labels), false);

        assertFailsNaming(images, () -> IdxReader.read("tiny", images, labelFile, 10),
                "header says 7 images of 5×3 pixels", "the file holds " + (COUNT * ROWS * COLUMNS - 20) + " bytes of data");
    }

    @Test
    void truncatedGzipLabelsFileSaysHowMuchDataItHolds() throws IOException {
        byte[] claimsTenThousand = concat(idxHeader(IdxReader.LABELS_MAGIC, 10000), randomLabels(SEED, 9000, 10));
        Path labelFile = write(folder.resolve("t10k-labels-idx1-ubyte.gz"), claimsTenThousand, true);
        Path images = write(folder.resolve("images"), idxImages(10000, 1, 1, new byte[10000]), false);

        assertFailsNaming(labelFile, () -> IdxReader.read("tiny", images, labelFile, 10),
                "t10k-labels-idx1-ubyte.gz: header says 10000 labels but the file holds 9000 bytes of data");
    }

    @Test
    void gzipStreamCutShortIsReportedAsDamaged() throws IOException {
        byte[] compressed = DataFixtures.gzip(idxImages(COUNT, ROWS, COLUMNS, pixels));
        Path images = folder.resolve("images.gz");
        Files.write(images, Arrays.copyOf(compressed, compressed.length / 2));
        Path labelFile = write(folder.resolve("labels"), idxLabels(labels), false);

        assertFailsNaming(images, () -> IdxReader.read("tiny", images, labelFile, 10), "gzip data is damaged or cut short");
    }

    @Test
    void headerClaimingTwoToTheThirtyOneImagesFailsWithAMessageNotAnOutOfMemoryError() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            byte[] huge = concat(idxHeader(IdxReader.IMAGES_MAGIC, 1L << 31, 28, 28), pixels);
            Path images = write(folder.resolve("huge-" + gzip), huge, gzip);
            Path labelFile = write(folder.resolve("labels"), idxLabels(labels), false);

            assertFailsNaming(images, () -> IdxReader.read("tiny", images, labelFile, 10),
                    "header says 2147483648 images of 28×28 pixels", "holds " + pixels.length + " bytes of data");
        }
    }

    @Test
    void headerWhoseSizesOverflowSixtyFourBitsIsRejected() throws IOException {
        byte[] overflowing = concat(idxHeader(IdxReader.IMAGES_MAGIC, 0xFFFFFFFFL, 0xFFFFFFFFL, 0xFFFFFFFFL), pixels);
        Path images = write(folder.resolve("images"), overflowing, false);
        Path labelFile = write(folder.resolve("labels"), idxLabels(labels), false);

        assertFailsNaming(images, () -> IdxReader.read("tiny", images, labelFile, 10),
                "header says 4294967295 images", "more than 2^63 bytes");
    }

    @Test
    void headerClaimingFourBillionLabelsIsRejected() throws IOException {
        Path images = write(folder.resolve("images"), idxImages(COUNT, ROWS, COLUMNS, pixels), false);
        Path labelFile = write(folder.resolve("labels"), concat(idxHeader(IdxReader.LABELS_MAGIC, 0xFFFFFFFFL), labels), true);

        assertFailsNaming(labelFile, () -> IdxReader.read("tiny", images, labelFile, 10),
                "header says 4294967295 labels but the file holds 7 bytes of data");
    }

    @Test
    void fileShorterThanItsHeaderIsRejected() throws IOException {
        Path images = write(folder.resolve("images"), new byte[] {0, 0, 8, 3, 0, 0}, false);
        Path labelFile = write(folder.resolve("labels"), idxLabels(labels), false);

        assertFailsNaming(images, () -> IdxReader.read("tiny", images, labelFile, 10),
                "holds only 6 bytes, less than the 16-byte IDX header");
    }

    @Test
    void fileLongerThanItsHeaderSaysIsRejected() throws IOException {
        Path images = write(folder.resolve("images"), idxImages(COUNT, ROWS, COLUMNS, pixels), false);
        Path labelFile = write(folder.resolve("labels"), concat(idxLabels(labels), new byte[] {1}), false);

        assertFailsNaming(labelFile, () -> IdxReader.read("tiny", images, labelFile, 10),
                "header says 7 labels but the file holds 8 bytes of data");
    }

    @Test
    void pairWithDifferentCountsNamesBothFiles() throws IOException {
        Path images = write(folder.resolve("train-images"), idxImages(COUNT, ROWS, COLUMNS, pixels), false);
        Path labelFile = write(folder.resolve("train-labels"), idxLabels(Arrays.copyOf(labels, COUNT - 1)), false);

        assertFailsNaming(labelFile, () -> IdxReader.read("tiny", images, labelFile, 10),
                "holds 6 labels but its images file", images.toString(), "holds 7 images");
    }

    @Test
    void labelNotBelowTheClassCountIsNamedWithItsExample() throws IOException {
        byte[] bad = labels.clone();
        bad[4] = 10;
        Path images = write(folder.resolve("images"), idxImages(COUNT, ROWS, COLUMNS, pixels), false);
        Path labelFile = write(folder.resolve("labels"), idxLabels(bad), true);

        assertFailsNaming(labelFile, () -> IdxReader.read("tiny", images, labelFile, 10),
                "label 10 of example 4 is not below the 10 classes");
    }

    /** Oracle: each pixel is its byte / 255 computed in float64; float32 rounding is within 1e-7. */
    private void assertMatchesBytes(Dataset data) {
        assertEquals(COUNT, data.count());
        assertEquals(1, data.channels());
        assertEquals(ROWS, data.height());
        assertEquals(COLUMNS, data.width());
        for (int i = 0; i < COUNT; i++) {
            assertEquals(labels[i], data.label(i), "label " + i + ", seed " + SEED);
            for (int y = 0; y < ROWS; y++) {
                for (int x = 0; x < COLUMNS; x++) {
                    double expected = (pixels[(i * ROWS + y) * COLUMNS + x] & 0xFF) / 255.0;
                    assertEquals(expected, data.pixel(i, 0, y, x), 1e-7,
                            "pixel (" + i + ", " + y + ", " + x + "), seed " + SEED);
                }
            }
        }
    }

    static void assertFailsNaming(Path file, Executable read, String... fragments) {
        MalformedDataException e = assertThrows(MalformedDataException.class, read);
        assertTrue(e.getMessage().startsWith(file.toString()), "should start with the file: " + e.getMessage());
        assertEquals(file, e.file());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "should say '" + fragment + "': " + e.getMessage());
        }
    }
}
