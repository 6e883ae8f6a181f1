package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;

/**
 * A new shape over the same values (row-major order is kept, so no data moves).
 * ẏ = reshape(ẋ);  x̄ = reshape(ȳ) back to x's shape.
 */
public final class Reshape extends Op {
    private final Shape target;

    private Reshape(Shape target) {
        this.target = target;
    }

    public static Reshape to(Shape target) {
        return new Reshape(target);
    }

    @Override
    public String name() {
        return "reshape";
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        ShapeException.check(x[0].shape().size() == target.size(),
                "reshape: %s has %d elements, %s has %d", x[0].shape(), x[0].shape().size(), target, target.size());
        return Tensor.of(target, x[0].buffer());
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        return xDot[0].reshape(target);
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        return new Tensor[] {yBar.reshape(x[0].shape())};
    }
}
