package basin.engine.nn.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A well-formed checkpoint whose weights hold NaN or ±∞: a diverged training run, or a file
 * damaged in its data bytes. Loading it would start a long probe whose every number is NaN, so it
 * is refused; the message names the file, the tensor, and the first element at fault.
 */
public final class NonFiniteWeightsException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    /**
     * @param file      the checkpoint
     * @param tensor    the state-dict name of the first tensor with a non-finite element
     * @param shape     its shape, for the message
     * @param count     how many of its elements are not finite
     * @param element   the flat index of the first of them
     * @param value     that element's value (NaN, Infinity or -Infinity)
     */
    NonFiniteWeightsException(Path file, String tensor, int[] shape, int count, int element, float value) {
        super("checkpoint " + file + ": tensor " + tensor + " " + Shapes.format(shape) + " holds " + count
                + (count == 1 ? " non-finite value" : " non-finite values") + " (the first, element " + element + ", is "
                + value + "); refusing to load it: a run from these weights would compute NaN throughout");
        this.file = file;
        this.tensor = tensor;
    }

    /** The checkpoint at fault. */
    public Path file() {
        return file;
    }

    /** The first tensor with a non-finite element. */
    public String tensor() {
        return tensor;
    }
}
