package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;

/**
 * Element-wise arithmetic on tensors of equal shape, and scaling by a constant.
 * <pre>
 *   add    y = a + b     ẏ = ȧ + ḃ          ā = ȳ,       b̄ = ȳ
 *   sub    y = a − b     ẏ = ȧ − ḃ          ā = ȳ,       b̄ = −ȳ
 *   mul    y = a ⊙ b     ẏ = ȧ⊙b + a⊙ḃ      ā = ȳ ⊙ b,   b̄ = ȳ ⊙ a
 *   scale  y = α a       ẏ = α ȧ            ā = α ȳ
 *   shift  y = a + c     ẏ = ȧ              ā = ȳ             (c a constant, e.g. BatchNorm's ε)
 * </pre>
 * mul's cotangent rule multiplies by b and a themselves, so under an HVP their tangents bring in
 * the second-order term ȳ ⊙ ḃ.
 */
public final class Arithmetic extends Op {
    public static final Arithmetic ADD = new Arithmetic("add");
    public static final Arithmetic SUB = new Arithmetic("sub");
    public static final Arithmetic MUL = new Arithmetic("mul");

    private final String name;

    private Arithmetic(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Tensor a = x[0], b = x[1];
        ShapeException.check(a.shape().equals(b.shape()), "%s: shapes differ: a=%s, b=%s", name, a.shape(), b.shape());
        Tensor y = Tensor.empty(a.backend(), a.shape());
        if (this == ADD) a.backend().add(a.buffer(), b.buffer(), y.buffer());
        else if (this == SUB) a.backend().sub(a.buffer(), b.buffer(), y.buffer());
        else a.backend().mul(a.buffer(), b.buffer(), y.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        Tensor aDot = xDot[0], bDot = xDot[1];
        if (this == ADD) return Zero.plus(aDot, bDot);
        if (this == SUB) return bDot == null ? aDot : aDot == null ? bDot.scale(-1f) : aDot.sub(bDot);
        return Zero.plus(aDot == null ? null : aDot.mul(x[1]), bDot == null ? null : x[0].mul(bDot));
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        if (this == ADD) return new Tensor[] {yBar, yBar};
        if (this == SUB) return new Tensor[] {yBar, needed[1] ? yBar.scale(-1f) : null};
        return new Tensor[] {needed[0] ? yBar.mul(x[1]) : null, needed[1] ? yBar.mul(x[0]) : null};
    }

    /** y = α·x for a constant α. */
    public static Op scale(float alpha) {
        return new Scale(alpha);
    }

    /** y = x + c for a constant c. */
    public static Op shift(float c) {
        return new Shift(c);
    }

    private static final class Shift extends Op {
        private final float c;

        Shift(float c) {
            this.c = c;
        }

        @Override
        public String name() {
            return "shift";
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            Tensor y = Tensor.full(x[0].backend(), x[0].shape(), c);
            y.backend().add(x[0].buffer(), y.buffer(), y.buffer());
            return y;
        }

        @Override
        protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
            return xDot[0];
        }

        @Override
        protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
            return new Tensor[] {yBar};
        }
    }

    private static final class Scale extends Op {
        private final float alpha;

        Scale(float alpha) {
            this.alpha = alpha;
        }

        @Override
        public String name() {
            return "scale";
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            Tensor y = Tensor.empty(x[0].backend(), x[0].shape());
            y.backend().scale(x[0].buffer(), alpha, y.buffer());
            return y;
        }

        @Override
        protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
            return xDot[0].scale(alpha);
        }

        @Override
        protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
            return new Tensor[] {yBar.scale(alpha)};
        }
    }
}
