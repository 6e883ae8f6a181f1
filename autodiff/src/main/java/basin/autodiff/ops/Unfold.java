package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.kernels.Window2d;

/**
 * im2col and col2im: the linear maps that turn a convolution into a GEMM, and each other's adjoint.
 * <pre>
 *   im2col   X [N, C, H, W] → U X [C·kh·kw, N·outH·outW]     ẏ = U ẋ      x̄ = Uᵀ ȳ = col2im(ȳ)
 *   col2im   Y [C·kh·kw, N·outH·outW] → Uᵀ Y [N, C, H, W]     ẏ = Uᵀ ẋ     x̄ = U ȳ  = im2col(ȳ)
 * </pre>
 * U copies each input element into every window position that covers it, so Uᵀ sums the copies
 * back. Both are linear, so their tangents are themselves and the pair is closed under
 * differentiation: a convolution's HVP needs nothing beyond them and GEMM.
 */
public final class Unfold extends Op {
    private final Window2d window;
    private final boolean adjoint;

    private Unfold(Window2d window, boolean adjoint) {
        this.window = window;
        this.adjoint = adjoint;
    }

    /** X [N, C, H, W] → its patch matrix [C·kh·kw, N·outH·outW]. */
    public static Op im2col(Window2d window) {
        return new Unfold(window, false);
    }

    /** The patch matrix [C·kh·kw, N·outH·outW] → the image [N, C, H, W], overlapping patches summed. */
    public static Op col2im(Window2d window) {
        return new Unfold(window, true);
    }

    /** The input shape [N, C, H, W] of the window. */
    static Shape imageShape(Window2d w) {
        return Shape.of(w.batch(), w.channels(), w.height(), w.width());
    }

    /** The patch-matrix shape [C·kh·kw, N·outH·outW] of the window. */
    static Shape patchShape(Window2d w) {
        return Shape.of(w.patchSize(), w.positions());
    }

    @Override
    public String name() {
        return adjoint ? "col2im" : "im2col";
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Shape from = adjoint ? patchShape(window) : imageShape(window);
        Shape to = adjoint ? imageShape(window) : patchShape(window);
        ShapeException.check(x[0].shape().equals(from), "%s: input %s does not match %s, which needs %s",
                name(), x[0].shape(), window, from);
        Tensor y = Tensor.empty(x[0].backend(), to);
        if (adjoint) y.backend().col2im(x[0].buffer(), window, y.buffer());
        else y.backend().im2col(x[0].buffer(), window, y.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        return apply(xDot[0]);
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        return new Tensor[] {new Unfold(window, !adjoint).apply(yBar)};
    }
}
