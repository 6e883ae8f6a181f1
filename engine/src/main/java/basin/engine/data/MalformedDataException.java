package basin.engine.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file whose bytes are not what its format promises: a wrong magic number, a header that
 * disagrees with the file's length, a label out of range, a gzip stream cut short. The message
 * starts with the file, then says what is wrong.
 */
public final class MalformedDataException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem with {@code file}, described by {@code problem} (the file is prefixed to the message). */
    public MalformedDataException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** As {@link #MalformedDataException(Path, String)}, keeping the exception that revealed the problem. */
    public MalformedDataException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
