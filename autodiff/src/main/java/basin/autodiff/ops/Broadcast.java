package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.kernels.BroadcastOp;

/**
 * Broadcasting a small tensor b across a large one x, and its reverse, the sum back down.
 * b's dimensions must equal x's axes {@code [axis, axis + rank(b))}, so x is viewed as
 * [outer, mid, inner] with mid = |b|: a dense bias is {@code axis = 1} of [batch, out], a
 * convolution bias {@code axis = 1} of [N, C, H, W], a scalar {@code axis = 0} of anything.
 * <pre>
 *   add      y = x + E b     ẏ = ẋ + E ḃ               x̄ = ȳ,       b̄ = S ȳ
 *   mul      y = x ⊙ E b     ẏ = ẋ ⊙ E b + x ⊙ E ḃ     x̄ = ȳ ⊙ E b, b̄ = S (ȳ ⊙ x)
 *   expand   y = E b         ẏ = E ḃ                   b̄ = S ȳ
 *   sumTo    y = S x         ẏ = S ẋ                   x̄ = E ȳ
 * </pre>
 * where E repeats b along the outer and inner axes and S = Eᵀ sums over them.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /** y = x + b broadcast from {@code axis}. */
    public static Op add(int axis) {
        return new Binary(BroadcastOp.ADD, axis);
    }

    /** y = x ⊙ b broadcast from {@code axis}. */
    public static Op mul(int axis) {
        return new Binary(BroadcastOp.MUL, axis);
    }

    /** y = b repeated to {@code target}. */
    public static Op expand(Shape target, int axis) {
        return new Expand(target, axis);
    }

    /** y = Σ of x over the axes outside {@code [axis, axis + rank(target))}. */
    public static Op sumTo(Shape target, int axis) {
        return new SumTo(target, axis);
    }

    /** [outer, mid, inner] of {@code big} with {@code small} at {@code axis}; throws naming {@code op}. */
    static int[] geometry(String op, Shape big, Shape small, int axis) {
        boolean fits = axis >= 0 && axis + small.rank() <= big.rank();
        for (int i = 0; fits && i < small.rank(); i++) fits = big.dim(axis + i) == small.dim(i);
        ShapeException.check(fits, "%s: shape %s does not match the axes of %s from axis %d", op, small, big, axis);
        return new int[] {big.product(0, axis), small.size(), big.product(axis + small.rank(), big.rank())};
    }

    private static final class Binary extends Op {
        private final BroadcastOp kind;
        private final int axis;

        Binary(BroadcastOp kind, int axis) {
            this.kind = kind;
            this.axis = axis;
        }

        @Override
        public String name() {
            return kind == BroadcastOp.ADD ? "addBroadcast" : "mulBroadcast";
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            int[] g = geometry(name(), x[0].shape(), x[1].shape(), axis);
            Tensor y = Tensor.empty(x[0].backend(), x[0].shape());
            y.backend().broadcast(kind, x[0].buffer(), x[1].buffer(), g[0], g[1], g[2], y.buffer());
            return y;
        }

        @Override
        protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
            Tensor xs = x[0], b = x[1], xsDot = xDot[0], bDot = xDot[1];
            if (kind == BroadcastOp.ADD) {
                if (bDot == null) return xsDot;
                return xsDot == null ? bDot.expand(xs.shape(), axis) : xsDot.addBroadcast(bDot, axis);
            }
            return Zero.plus(xsDot == null ? null : xsDot.mulBroadcast(b, axis),
                    bDot == null ? null : xs.mulBroadcast(bDot, axis));
        }

        @Override
        protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
            Shape bShape = x[1].shape();
            if (kind == BroadcastOp.ADD) {
                return new Tensor[] {yBar, needed[1] ? yBar.sumTo(bShape, axis) : null};
            }
            return new Tensor[] {
                    needed[0] ? yBar.mulBroadcast(x[1], axis) : null,
                    needed[1] ? yBar.mul(x[0]).sumTo(bShape, axis) : null};
        }
    }

    private static final class Expand extends Op {
        private final Shape target;
        private final int axis;

        Expand(Shape target, int axis) {
            this.target = target;
            this.axis = axis;
        }

        @Override
        public String name() {
            return "expand";
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            int[] g = geometry(name(), target, x[0].shape(), axis);
            Tensor y = Tensor.empty(x[0].backend(), target);
            y.backend().expand(x[0].buffer(), g[0], g[1], g[2], y.buffer());
            return y;
        }

        @Override
        protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
            return xDot[0].expand(target, axis);
        }

        @Override
        protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
            return new Tensor[] {yBar.sumTo(x[0].shape(), axis)};
        }
    }

    private static final class SumTo extends Op {
        private final Shape target;
        private final int axis;

        SumTo(Shape target, int axis) {
            this.target = target;
            this.axis = axis;
        }

        @Override
        public String name() {
            return "sumTo";
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            int[] g = geometry(name(), x[0].shape(), target, axis);
            Tensor y = Tensor.empty(x[0].backend(), target);
            y.backend().sumToMid(x[0].buffer(), g[0], g[1], g[2], y.buffer());
            return y;
        }

        @Override
        protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
            return xDot[0].sumTo(target, axis);
        }

        @Override
        protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
            return new Tensor[] {yBar.expand(x[0].shape(), axis)};
        }
    }
}
