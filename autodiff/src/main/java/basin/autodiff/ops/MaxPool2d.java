package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.kernels.Window2d;

/**
 * Max pooling over an NCHW batch. The forward pass finds each window's maximum and remembers
 * where it was (the argmax, an in-plane index per output); from then on the op is the fixed
 * selection G that picks those elements, so
 * <pre>
 *   primal     y = max over each window of x          argmax saved
 *   tangent    ẏ = G ẋ      (gather at the argmax: the tangent follows the primal's maxima)
 *   cotangent  x̄ = Gᵀ ȳ     (scatter-add to the argmax)
 * </pre>
 * G and Gᵀ are linear and each other's adjoint ({@link #gather}, {@link #scatterAdd}), so the
 * reverse sweep's own tangent is Gᵀ ȳ̇ and the HVP is exact wherever the maxima are unique.
 * Each application is a new op, because it carries its own argmax.
 */
public final class MaxPool2d extends Op {
    private final Window2d window;
    private Tensor argmax;

    private MaxPool2d(Window2d window) {
        this.window = window;
    }

    /** y = maxPool(x) for x [N, C, H, W] matching {@code window}. */
    public static Tensor apply(Tensor x, Window2d window) {
        return new MaxPool2d(window).apply(x);
    }

    @Override
    public String name() {
        return "maxPool2d";
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        ShapeException.check(argmax == null, "maxPool2d: an op instance pools once; it keeps that pass's argmax");
        Shape in = Unfold.imageShape(window);
        ShapeException.check(x[0].shape().equals(in), "maxPool2d: input %s does not match %s, which needs %s",
                x[0].shape(), window, in);
        Shape out = pooledShape(window);
        Tensor y = Tensor.empty(x[0].backend(), out);
        argmax = Tensor.empty(x[0].backend(), out);
        y.backend().maxPool2d(x[0].buffer(), window, y.buffer(), argmax.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        return gather(argmax, x[0].shape()).apply(xDot[0]);
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        return new Tensor[] {scatterAdd(argmax, x[0].shape()).apply(yBar)};
    }

    /** [N, C, outH, outW] of the window. */
    static Shape pooledShape(Window2d w) {
        return Shape.of(w.batch(), w.channels(), w.outH(), w.outW());
    }

    /** y[p, j] = x[p, index[p, j]] for x of shape {@code planesIn} [N, C, H, W] and y shaped like index. */
    public static Op gather(Tensor index, Shape planesIn) {
        return new Selection(index, planesIn, false);
    }

    /** The adjoint of {@link #gather}: x = 0, x[p, index[p, j]] += y[p, j], x of shape {@code planesIn}. */
    public static Op scatterAdd(Tensor index, Shape planesIn) {
        return new Selection(index, planesIn, true);
    }

    /** G (gather) or Gᵀ (scatter-add) for a fixed in-plane index; planes are the leading two axes. */
    private static final class Selection extends Op {
        private final Tensor index;
        private final Shape wide;
        private final boolean adjoint;

        Selection(Tensor index, Shape wide, boolean adjoint) {
            this.index = index;
            this.wide = wide;
            this.adjoint = adjoint;
        }

        @Override
        public String name() {
            return adjoint ? "scatterAdd" : "gather";
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            Shape narrow = index.shape();
            Shape from = adjoint ? narrow : wide;
            ShapeException.check(x[0].shape().equals(from) && wide.rank() == 4 && narrow.rank() == 4
                            && wide.dim(0) == narrow.dim(0) && wide.dim(1) == narrow.dim(1),
                    "%s: input %s does not fit the index %s over planes %s", name(), x[0].shape(), narrow, wide);
            int planes = wide.dim(0) * wide.dim(1);
            int planeIn = wide.product(2, 4), planeOut = narrow.product(2, 4);
            Tensor y = Tensor.empty(x[0].backend(), adjoint ? wide : narrow);
            if (adjoint) y.backend().scatterAdd(x[0].buffer(), index.buffer(), planes, planeIn, planeOut, y.buffer());
            else y.backend().gather(x[0].buffer(), index.buffer(), planes, planeIn, planeOut, y.buffer());
            return y;
        }

        @Override
        protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
            return apply(xDot[0]);
        }

        @Override
        protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
            return new Tensor[] {new Selection(index, wide, !adjoint).apply(yBar)};
        }
    }
}
