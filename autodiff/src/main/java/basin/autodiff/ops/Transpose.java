package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;

/**
 * Swaps two neighbouring axes, {@code axis} and {@code axis + 1}: x [..., A, B, ...] → [..., B, A, ...].
 * A permutation P of the elements, so ẏ = P ẋ and x̄ = Pᵀ ȳ, which is the swap of the same two axes
 * of y. A convolution uses it to turn GEMM's [Cout, N, P] into NCHW's [N, Cout, P].
 */
public final class Transpose extends Op {
    private final int axis;

    private Transpose(int axis) {
        this.axis = axis;
    }

    /** Swaps axes {@code axis} and {@code axis + 1}. */
    public static Op swap(int axis) {
        return new Transpose(axis);
    }

    @Override
    public String name() {
        return "swapAxes";
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Shape s = x[0].shape();
        ShapeException.check(axis >= 0 && axis + 1 < s.rank(), "swapAxes: axes %d and %d do not both exist in %s", axis, axis + 1, s);
        int[] dims = s.dims();
        int rows = dims[axis], cols = dims[axis + 1];
        dims[axis] = cols;
        dims[axis + 1] = rows;
        Tensor y = Tensor.empty(x[0].backend(), Shape.of(dims));
        y.backend().transpose(x[0].buffer(), s.product(0, axis), rows, cols, s.product(axis + 2, s.rank()), y.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        return apply(xDot[0]);
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        return new Tensor[] {apply(yBar)};
    }
}
