package basin.experiments.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The folder a run writes into. Every file is written to a temporary file beside its target and
 * then renamed over it, so a crash never leaves a half-written log or a damaged earlier version.
 */
public final class RunFolder {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public RunFolder(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** Writes text to {@code name} atomically. */
    public void writeText(String name, String text) {
        writeAtomically(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a value as indented JSON to {@code name} atomically. */
    public void writeJson(String name, Object value) {
        try {
            writeAtomically(dir.resolve(name), JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException(dir.resolve(name) + ": cannot encode JSON: " + e.getMessage(), e);
        }
    }

    /** Temp file in the same folder, then an atomic rename over the target. */
    public static void writeAtomically(Path target, byte[] bytes) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original error is the one worth reporting
            }
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
