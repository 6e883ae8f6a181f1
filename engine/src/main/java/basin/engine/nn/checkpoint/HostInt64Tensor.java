package basin.engine.nn.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named int64 tensor in host memory, row-major. PyTorch keeps counters this way in a state
 * dict; the one Basin meets is BatchNorm's {@code num_batches_tracked}, a scalar ({@code []}).
 *
 * <p>The shape is copied on the way in and out; the data array is shared.
 *
 * @param name  the state-dict key, such as {@code 0.num_batches_tracked}
 * @param shape the dimensions, outermost first; {@code []} is a scalar
 * @param data  the elements; {@code data.length} equals the product of {@code shape}
 */
public record HostInt64Tensor(String name, int[] shape, long[] data) {

    /**
     * @throws IllegalArgumentException when a dimension is negative or the product of the shape
     *                                  is not {@code data.length}
     */
    public HostInt64Tensor {
        Objects.requireNonNull(name, "HostInt64Tensor: name is null");
        Objects.requireNonNull(shape, () -> "HostInt64Tensor " + name + ": shape is null");
        Objects.requireNonNull(data, () -> "HostInt64Tensor " + name + ": data is null");
        shape = shape.clone();
        Shapes.requireMatchesLength("HostInt64Tensor", name, shape, data.length);
    }

    /** A scalar ({@code shape []}), as PyTorch stores {@code num_batches_tracked}. */
    public static HostInt64Tensor scalar(String name, long value) {
        return new HostInt64Tensor(name, new int[0], new long[] {value});
    }

    /** The dimensions, outermost first (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The value of a one-element tensor.
     *
     * @throws IllegalStateException when the tensor holds more or fewer than one element
     */
    public long scalarValue() {
        if (data.length != 1) {
            throw new IllegalStateException(name + ": shape " + Shapes.format(shape)
                    + " holds " + data.length + " elements, not one");
        }
        return data[0];
    }

    /** Two tensors are equal when their names, shapes and elements are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HostInt64Tensor that
                && name.equals(that.name)
                && Arrays.equals(shape, that.shape)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    /** Name, dtype and shape, without the elements: {@code 0.num_batches_tracked I64 []}. */
    @Override
    public String toString() {
        return name + " I64 " + Shapes.format(shape);
    }
}
