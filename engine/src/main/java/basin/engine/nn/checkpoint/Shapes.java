package basin.engine.nn.checkpoint;

import java.math.BigInteger;
import java.util.Arrays;

/** Shape arithmetic shared by the host tensors, the reader and the checkpoint check. */
final class Shapes {
    private Shapes() {
    }

    /**
     * Checks that {@code shape} has no negative dimension and that its product is
     * {@code dataLength}, the number of elements the caller holds.
     *
     * @throws IllegalArgumentException naming {@code kind}, the tensor and the shape
     */
    static void requireMatchesLength(String kind, String name, int[] shape, int dataLength) {
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException(
                        kind + " " + name + ": shape " + format(shape) + " has a negative dimension");
            }
        }
        // Exact product: a shape such as [65536, 65536] must not wrap around to a small count.
        BigInteger count = BigInteger.ONE;
        for (int dim : shape) {
            count = count.multiply(BigInteger.valueOf(dim));
        }
        if (!count.equals(BigInteger.valueOf(dataLength))) {
            throw new IllegalArgumentException(kind + " " + name + ": shape " + format(shape)
                    + " holds " + count + " elements but the data has " + dataLength);
        }
    }

    /** The shape as PyTorch prints a size, {@code [256, 784]}; a scalar is {@code []}. */
    static String format(int[] shape) {
        return Arrays.toString(shape);
    }
}
