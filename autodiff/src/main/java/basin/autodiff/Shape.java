package basin.autodiff;

import java.util.Arrays;

/** The dimensions of a tensor, outermost first (row-major). A scalar has rank 0 and size 1. */
public final class Shape {
    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new ShapeException("shape: negative dimension in " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new ShapeException("shape: " + Arrays.toString(dims) + " has more than 2^31 elements");
        }
        this.dims = dims;
        this.size = (int) n;
    }

    /** A shape with the given dimensions; {@code Shape.of()} is the scalar shape. */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** The scalar shape []. */
    public static Shape scalar() {
        return new Shape(new int[0]);
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return dims[axis < 0 ? dims.length + axis : axis];
    }

    /** Number of elements: the product of the dimensions. */
    public int size() {
        return size;
    }

    /** Product of the dimensions in {@code [from, to)}. */
    public int product(int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= dims[i];
        return p;
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
