package basin.engine.data;

import static basin.engine.data.DataFixtures.cifarRecords;
import static basin.engine.data.DataFixtures.randomBytes;
import static basin.engine.data.DataFixtures.randomLabels;
import static basin.engine.data.DataFixtures.write;
import static basin.engine.data.IdxReaderTest.assertFailsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {

    private static final long SEED = 31337L;
    private static final int PLANE = 32 * 32;

    @TempDir
    Path folder;

    @Test
    void recordsReadAsRedGreenBluePlanesOverTwoFiftyFive() throws IOException {
        byte[] labels = randomLabels(SEED, 3, 10);
        byte[] pixels = randomBytes(SEED + 1, 3 * 3 * PLANE);
        Path file = write(folder.resolve("test_batch.bin"), cifarRecords(labels, pixels), false);

        Dataset data = CifarReader.read("cifar", List.of(file));

        assertMatches(data, labels, pixels);
    }

    @Test
    void gzipCompressedBatchReadsTheSameAsPlain() throws IOException {
        byte[] labels = randomLabels(SEED, 2, 10);
        byte[] pixels = randomBytes(SEED + 1, 2 * 3 * PLANE);
        Path file = write(folder.resolve("test_batch.bin"), cifarRecords(labels, pixels), true);

        assertMatches(CifarReader.read("cifar", List.of(file)), labels, pixels);
    }

    @Test
    void trainingSplitConcatenatesTheFiveBatchesInOrder() throws IOException {
        byte[] labels = randomLabels(SEED, 5 * 2, 10);
        byte[] pixels = randomBytes(SEED + 1, 5 * 2 * 3 * PLANE);
        for (int b = 0; b < 5; b++) {
            byte[] batchLabels = Arrays.copyOfRange(labels, 2 * b, 2 * b + 2);
            byte[] batchPixels = Arrays.copyOfRange(pixels, 2 * b * 3 * PLANE, (2 * b + 2) * 3 * PLANE);
            write(folder.resolve("data_batch_" + (b + 1) + ".bin"), cifarRecords(batchLabels, batchPixels), false);
        }

        Dataset train = CifarReader.readSplit("cifar10", folder, Split.TRAIN);

        assertEquals("cifar10/train", train.name());
        assertMatches(train, labels, pixels);
    }

    @Test
    void fileThatIsNotAWholeNumberOfRecordsIsRejected() throws IOException {
        byte[] records = cifarRecords(randomLabels(SEED, 2, 10), randomBytes(SEED, 2 * 3 * PLANE));
        Path file = write(folder.resolve("data_batch_1.bin"), Arrays.copyOf(records, records.length - 1), false);

        assertFailsNaming(file, () -> CifarReader.read("cifar", List.of(file)),
                "holds 6145 bytes, not a whole number of 3073-byte CIFAR-10 records (1 records and 3072 bytes over)");
    }

    @Test
    void truncatedGzipBatchIsRejected() throws IOException {
        byte[] records = cifarRecords(randomLabels(SEED, 2, 10), randomBytes(SEED, 2 * 3 * PLANE));
        Path file = write(folder.resolve("data_batch_1.bin"), Arrays.copyOf(records, 3073 + 100), true);

        assertFailsNaming(file, () -> CifarReader.read("cifar", List.of(file)), "not a whole number");
    }

    @Test
    void labelOfTenOrMoreIsNamedWithItsRecord() throws IOException {
        byte[] labels = randomLabels(SEED, 3, 10);
        labels[2] = (byte) 200;
        Path file = write(folder.resolve("data_batch_3.bin"), cifarRecords(labels, randomBytes(SEED, 3 * 3 * PLANE)), false);

        assertFailsNaming(file, () -> CifarReader.read("cifar", List.of(file)),
                "label 200 of record 2 is not below the 10 classes");
    }

    /** Oracle: channel c of example i is bytes [c·1024, (c+1)·1024) of its record's pixels, / 255 in float64. */
    private static void assertMatches(Dataset data, byte[] labels, byte[] pixels) {
        assertEquals(labels.length, data.count());
        assertEquals(3, data.channels());
        assertEquals(32, data.height());
        assertEquals(32, data.width());
        for (int i = 0; i < labels.length; i++) {
            assertEquals(labels[i], data.label(i), "label " + i + ", seed " + SEED);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y += 7) {
                    for (int x = 0; x < 32; x += 5) {
                        double expected = (pixels[i * 3 * PLANE + c * PLANE + y * 32 + x] & 0xFF) / 255.0;
                        assertEquals(expected, data.pixel(i, c, y, x), 1e-7,
                                "pixel (" + i + ", " + c + ", " + y + ", " + x + "), seed " + SEED);
                    }
                }
            }
        }
    }
}
