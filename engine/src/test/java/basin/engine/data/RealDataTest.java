package basin.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on real data: the MNIST subset in the repository, and Fashion-MNIST where Debian installed it. */
class RealDataTest {

    private static final Fetcher NO_NETWORK = uri -> {
        throw new IOException("tests do not download");
    };

    @TempDir
    Path home;

    /** A resolver that sees no environment variables and an empty home, so only the repository and / count. */
    private DatasetResolver resolver() {
        return new DatasetResolver(new DatasetResolver.Places(name -> null, home, Path.of("/"),
                Path.of("").toAbsolutePath()), NO_NETWORK);
    }

    @Test
    void bundledSubsetHoldsTheFirstTenThousandTrainingAndTwoThousandTestDigits() throws IOException {
        Dataset train = resolver().load("mnist-bundled", Split.TRAIN, null);
        Dataset test = resolver().load("mnist-bundled", Split.TEST, null);

        assertEquals(10_000, train.count());
        assertEquals(2_000, test.count());
        for (Dataset data : new Dataset[] {train, test}) {
            assertEquals(1, data.channels());
            assertEquals(28, data.height());
            assertEquals(28, data.width());
            assertEquals(10, data.classes());
        }
    }

    @Test
    void bundledSubsetStartsWithMnistsKnownFirstLabels() throws IOException {
        // The first labels of MNIST's training and test files, as every MNIST tutorial prints them.
        int[] firstTrain = {5, 0, 4, 1, 9, 2, 1, 3, 1, 4};
        int[] firstTest = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9};

        assertArrayEquals(firstTrain, Arrays.copyOf(resolver().load("mnist-bundled", Split.TRAIN, null).labels(), 10));
        assertArrayEquals(firstTest, Arrays.copyOf(resolver().load("mnist-bundled", Split.TEST, null).labels(), 10));
    }

    @Test
    void bundledPixelsSpanExactlyZeroToOne() throws IOException {
        // MNIST digits are white strokes at 255 on a black background at 0, so both ends occur.
        float[] pixels = resolver().load("mnist-bundled", Split.TRAIN, null).images();
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float p : pixels) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
    }

    @Test
    void bundledFilesHaveTheChecksumsTheirReadmeStates() throws IOException {
        Path folder = resolver().resolve("mnist-bundled", null);
        String readme = Files.readString(folder.resolve("README.md"));
        for (String file : DatasetSource.MNIST_BUNDLED.requiredFiles()) {
            Matcher stated = Pattern.compile("`" + Pattern.quote(file) + "`\\s*\\|[^|]*\\|\\s*`([0-9a-f]{64})`").matcher(readme);
            assertTrue(stated.find(), "README.md gives no SHA-256 for " + file);
            assertEquals(stated.group(1), DataFixtures.sha256(Files.readAllBytes(folder.resolve(file))), file);
        }
    }

    @Test
    void debianFashionMnistIsFoundAndReadWithItsKnownFirstLabels() throws IOException {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        assumeTrue(Files.isDirectory(debian), "Debian's dataset-fashion-mnist is not installed");

        assertEquals(debian, resolver().resolve("fashion-mnist", null));
        Dataset train = resolver().load("fashion-mnist", Split.TRAIN, null);
        Dataset test = resolver().load("fashion-mnist", Split.TEST, null);

        assertEquals(60_000, train.count());
        assertEquals(10_000, test.count());
        assertEquals(28, train.height());
        // Fashion-MNIST's first training item is an ankle boot (9), its first test item too.
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(train.labels(), 10));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(test.labels(), 10));
    }
}
