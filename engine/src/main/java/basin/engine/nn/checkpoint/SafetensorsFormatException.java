package basin.engine.nn.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that breaks the format: a bad header, offsets that do not tile the data,
 * an unsupported dtype. The message names the file and, where one is to blame, the tensor.
 */
public final class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The file that failed to parse. */
    private final transient Path file;

    /**
     * @param file   the file being read
     * @param reason what is wrong, without the file name (it is prefixed here)
     */
    public SafetensorsFormatException(Path file, String reason) {
        super("safetensors " + file + ": " + reason);
        this.file = file;
    }

    /** The file that failed to parse. */
    public Path file() {
        return file;
    }
}
