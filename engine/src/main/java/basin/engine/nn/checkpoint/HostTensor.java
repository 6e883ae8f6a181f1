package basin.engine.nn.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named float32 tensor in host memory, row-major ("C" order) as PyTorch and safetensors lay it
 * out: element {@code [i, j]} of a {@code [rows, cols]} tensor is {@code data[i * cols + j]}.
 *
 * <p>The shape is copied on the way in and out, so it always agrees with the data. The data
 * array is shared, not copied, because a checkpoint's weights can run to hundreds of megabytes.
 *
 * @param name  the state-dict key, such as {@code 1.weight}
 * @param shape the dimensions, outermost first; {@code []} is a scalar
 * @param data  the elements; {@code data.length} equals the product of {@code shape}
 */
public record HostTensor(String name, int[] shape, float[] data) {

    /**
     * @throws IllegalArgumentException when a dimension is negative or the product of the shape
     *                                  is not {@code data.length}
     */
    public HostTensor {
        Objects.requireNonNull(name, "HostTensor: name is null");
        Objects.requireNonNull(shape, () -> "HostTensor " + name + ": shape is null");
        Objects.requireNonNull(data, () -> "HostTensor " + name + ": data is null");
        shape = shape.clone();
        Shapes.requireMatchesLength("HostTensor", name, shape, data.length);
    }

    /** The dimensions, outermost first (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Two host tensors are equal when their names, shapes and elements (bit for bit, as {@link Arrays#equals(float[], float[])}) are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HostTensor that
                && name.equals(that.name)
                && Arrays.equals(shape, that.shape)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    /** Name, dtype and shape, without the elements: {@code 1.weight F32 [2, 3]}. */
    @Override
    public String toString() {
        return name + " F32 " + Shapes.format(shape);
    }
}
