package basin.engine.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails, before or halfway through the bytes, leaves the previous checkpoint exactly
 * as it was and no temporary file behind.
 */
class SafetensorsAtomicWriteTest {

    @TempDir
    Path directory;

    private Path checkpoint;
    private byte[] previousBytes;

    @BeforeEach
    void writePreviousCheckpoint() throws IOException {
        checkpoint = directory.resolve("model.safetensors");
        Safetensors.write(checkpoint, List.of(new HostTensor("1.weight", new int[] {2, 2}, new float[] {1, 2, 3, 4})),
                Map.of("epoch", "1"));
        previousBytes = Files.readAllBytes(checkpoint);
    }

    private static List<HostTensor> largerTensors() {
        float[] data = new float[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        return List.of(new HostTensor("1.weight", new int[] {600, 500}, data));
    }

    /**
     * A channel that accepts {@code budget} bytes and then fails, with an IOException as a full
     * disk would, or with an unchecked exception as a bug would.
     */
    private static final class FailingChannel implements WritableByteChannel {
        private final WritableByteChannel target;
        private final boolean unchecked;
        private long budget;

        FailingChannel(WritableByteChannel target, long budget, boolean unchecked) {
            this.target = target;
            this.budget = budget;
            this.unchecked = unchecked;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (budget <= 0 && unchecked) {
                throw new IllegalStateException("device went away");
            }
            if (budget <= 0) {
                throw new IOException("No space left on device");
            }
            ByteBuffer part = source.slice();
            part.limit((int) Math.min(part.remaining(), budget));
            int written = target.write(part);
            source.position(source.position() + written);
            budget -= written;
            return written;
        }

        @Override
        public boolean isOpen() {
            return target.isOpen();
        }

        @Override
        public void close() throws IOException {
            target.close();
        }
    }

    private void assertPreviousCheckpointIntactAndAlone() throws IOException {
        assertArrayEquals(previousBytes, Files.readAllBytes(checkpoint), "the previous checkpoint is unchanged");
        try (Stream<Path> listing = Files.list(directory)) {
            assertEquals(List.of(checkpoint), listing.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousFileIntact() throws IOException {
        IOException error = assertThrows(IOException.class, () -> Safetensors.write(checkpoint, largerTensors(),
                List.of(), Map.of("epoch", "2"), channel -> new FailingChannel(channel, 500_000, false)));

        assertEquals("No space left on device", error.getMessage());
        assertPreviousCheckpointIntactAndAlone();
    }

    @Test
    void aWriteThatFailsWithAnUncheckedErrorLeavesThePreviousFileIntact() throws IOException {
        assertThrows(IllegalStateException.class, () -> Safetensors.write(checkpoint, largerTensors(), List.of(),
                Map.of(), channel -> new FailingChannel(channel, 100, true)));

        assertPreviousCheckpointIntactAndAlone();
    }

    @Test
    void tensorsWithARepeatedNameAreRefusedBeforeAnythingIsWritten() throws IOException {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Safetensors.write(
                checkpoint,
                List.of(new HostTensor("0.weight", new int[] {1}, new float[] {1})),
                List.of(HostInt64Tensor.scalar("0.weight", 3)),
                Map.of()));

        assertTrue(error.getMessage().contains(checkpoint.toString())
                && error.getMessage().contains("two tensors are named \"0.weight\""), error::getMessage);
        assertPreviousCheckpointIntactAndAlone();
    }

    @Test
    void aTensorNamedLikeTheMetadataKeyIsRefused() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(checkpoint,
                List.of(new HostTensor("__metadata__", new int[] {1}, new float[] {1})), Map.of()));

        assertPreviousCheckpointIntactAndAlone();
    }

    @Test
    void aNameWithAnUnpairedSurrogateIsRefused() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(checkpoint,
                List.of(new HostTensor("bad\uD800name", new int[] {1}, new float[] {1})), Map.of()));

        assertPreviousCheckpointIntactAndAlone();
    }

    @Test
    void writingIntoAMissingDirectoryFailsWithoutCreatingIt() {
        Path missing = directory.resolve("no-such-directory").resolve("model.safetensors");

        assertThrows(NoSuchFileException.class, () -> Safetensors.write(missing, largerTensors(), Map.of()));

        assertFalse(Files.exists(missing.getParent()));
    }
}
