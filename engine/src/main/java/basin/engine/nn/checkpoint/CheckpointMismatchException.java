package basin.engine.nn.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A well-formed checkpoint whose tensors are not the ones the model declares: some missing, some
 * extra, some of the wrong shape. The message lists every problem, one per line, so a user fixes
 * them all at once.
 */
public final class CheckpointMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param file     the checkpoint file
     * @param problems one line per problem, such as {@code 1.weight: file has [256, 784], model expects [128, 784]}
     */
    public CheckpointMismatchException(Path file, List<String> problems) {
        super("checkpoint " + file + " does not match the model (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, one line each, in the order the model declares its tensors, extras last. */
    public List<String> problems() {
        return problems;
    }
}
