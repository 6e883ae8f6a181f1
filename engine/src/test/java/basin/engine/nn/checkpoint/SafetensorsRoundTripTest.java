package basin.engine.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Basin writes, Basin reads back bit for bit, whatever the shapes, values and names. */
class SafetensorsRoundTripTest {

    /** Change to explore other inputs; every failure message carries it. */
    private static final long SEED = 0x5AFE7E45L;

    /** Odd shapes: a scalar, empty tensors, unit dimensions, and one larger than the 1 MiB transfer buffer. */
    private static final int[][] SHAPES = {
        {}, {0}, {3, 0, 2}, {1}, {7}, {1, 1, 7}, {5, 3}, {2, 3, 4, 5}, {513, 517},
    };

    @TempDir
    Path directory;

    private static List<HostTensor> randomTensors(Random random) {
        List<HostTensor> tensors = new ArrayList<>();
        for (int k = 0; k < SHAPES.length; k++) {
            int count = 1;
            for (int dim : SHAPES[k]) {
                count *= dim;
            }
            float[] data = new float[count];
            for (int i = 0; i < count; i++) {
                data[i] = (float) random.nextGaussian();
            }
            tensors.add(new HostTensor("layer" + k + ".weight", SHAPES[k], data));
        }
        return tensors;
    }

    @Test
    void randomTensorsOfOddShapesSurviveARoundTrip() throws IOException {
        List<HostTensor> tensors = randomTensors(new Random(SEED));
        Path path = directory.resolve("random.safetensors");

        Safetensors.write(path, tensors, Map.of());
        SafetensorsContents contents = Safetensors.read(path);

        assertEquals(tensors.size(), contents.tensors().size(), "seed " + SEED);
        for (HostTensor written : tensors) {
            HostTensor read = contents.tensor(written.name());
            assertArrayEquals(written.shape(), read.shape(), () -> "seed " + SEED + ", " + written);
            assertArrayEquals(written.data(), read.data(), () -> "seed " + SEED + ", " + written);
        }
    }

    @Test
    void specialFloatsSurviveBitForBit() throws IOException {
        float[] special = {
            -0.0f, 0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7fc1_2345),
        };
        Path path = directory.resolve("special.safetensors");

        Safetensors.write(path, List.of(new HostTensor("special", new int[] {special.length}, special)), Map.of());
        float[] read = Safetensors.read(path).tensor("special").data();

        for (int i = 0; i < special.length; i++) {
            assertEquals(Float.floatToRawIntBits(special[i]), Float.floatToRawIntBits(read[i]), "element " + i);
        }
    }

    @Test
    void int64TensorsSurviveARoundTripBesideFloats() throws IOException {
        Path path = directory.resolve("counters.safetensors");
        long[] extremes = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 1L << 53 | 1};

        Safetensors.write(path, List.of(new HostTensor("0.weight", new int[] {2}, new float[] {1, 2})),
                List.of(HostInt64Tensor.scalar("0.num_batches_tracked", 12_345_678_901L),
                        new HostInt64Tensor("steps", new int[] {2, 3}, extremes)),
                Map.of());
        SafetensorsContents contents = Safetensors.read(path);

        assertEquals(12_345_678_901L, contents.int64Tensor("0.num_batches_tracked").scalarValue());
        assertArrayEquals(extremes, contents.int64Tensor("steps").data());
        assertArrayEquals(new int[] {2, 3}, contents.int64Tensor("steps").shape());
        assertArrayEquals(new float[] {1, 2}, contents.tensor("0.weight").data());
    }

    @Test
    void metadataWithAwkwardCharactersSurvivesARoundTrip() throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("note", "line\nbreak \"quoted\" back\\slash\ttab \u0000 nul");
        metadata.put("unicode é ∇²L", "😀 λ_max");
        metadata.put("", "");
        Path path = directory.resolve("metadata.safetensors");

        Safetensors.write(path, List.of(), metadata);

        assertEquals(metadata, Safetensors.read(path).metadata());
    }

    @Test
    void theBytesDoNotDependOnTheOrderTensorsAreGivenIn() throws IOException {
        List<HostTensor> tensors = randomTensors(new Random(SEED));
        List<HostTensor> shuffled = new ArrayList<>(tensors);
        Collections.shuffle(shuffled, new Random(SEED + 1));
        Path first = directory.resolve("first.safetensors");
        Path second = directory.resolve("second.safetensors");

        Safetensors.write(first, tensors, Map.of("b", "2", "a", "1"));
        Safetensors.write(second, shuffled, Map.of("a", "1", "b", "2"));

        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "seed " + SEED);
    }

    @Test
    void theHeaderIsPaddedSoTheDataStartsOnAnEightByteBoundary() throws IOException {
        Path path = directory.resolve("aligned.safetensors");

        for (int nameLength = 1; nameLength <= 9; nameLength++) {
            Safetensors.write(path, List.of(new HostTensor("w".repeat(nameLength), new int[] {1}, new float[] {1})),
                    Map.of());
            byte[] bytes = Files.readAllBytes(path);
            int headerLength = bytes[0] & 0xff;
            String header = new String(bytes, 8, headerLength, StandardCharsets.UTF_8);
            String json = header.substring(0, header.lastIndexOf('}') + 1);
            String padding = header.substring(json.length());
            assertEquals(0, headerLength % 8, "name length " + nameLength);
            assertTrue(padding.length() < 8 && padding.isBlank() && padding.chars().allMatch(c -> c == ' '),
                    "name length " + nameLength + ": padding is fewer than 8 spaces, not '" + padding + "'");
        }
    }

    @Test
    void writingReplacesAnExistingFile() throws IOException {
        Path path = directory.resolve("replace.safetensors");
        Safetensors.write(path, List.of(new HostTensor("w", new int[] {1}, new float[] {1})), Map.of());

        Safetensors.write(path, List.of(new HostTensor("w", new int[] {2}, new float[] {2, 3})), Map.of());

        assertArrayEquals(new float[] {2, 3}, Safetensors.read(path).tensor("w").data());
        try (var listing = Files.list(directory)) {
            assertEquals(List.of(path), listing.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void askingForATensorThatIsNotThereNamesWhatIs() throws IOException {
        Path path = directory.resolve("ask.safetensors");
        Safetensors.write(path, List.of(new HostTensor("1.weight", new int[] {1}, new float[] {1})),
                List.of(HostInt64Tensor.scalar("0.num_batches_tracked", 1)), Map.of());
        SafetensorsContents contents = Safetensors.read(path);

        var error = assertThrows(java.util.NoSuchElementException.class, () -> contents.tensor("0.num_batches_tracked"));

        assertTrue(error.getMessage().contains("[1.weight]") && error.getMessage().contains("it is an I64 tensor"),
                error::getMessage);
    }
}
