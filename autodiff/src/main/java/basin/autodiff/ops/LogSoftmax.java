package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;

/**
 * Log-softmax over the last axis of a [rows, classes] tensor, computed stably as
 * y = x − max − log Σ exp(x − max).
 * <pre>
 *   tangent    ẏ = ẋ − E ⟨p, ẋ⟩          with p = exp(y) = softmax(x), ⟨·,·⟩ per row
 *   cotangent  x̄ = ȳ − p ⊙ E Σ ȳ          Σ per row, E repeats a row value along the row
 * </pre>
 * The cotangent rule recomputes p = exp(y) with a differentiable op, so under an HVP its tangent
 * ṗ = p ⊙ ẏ brings in the curvature of the softmax.
 */
public final class LogSoftmax extends Op {
    public static final LogSoftmax OP = new LogSoftmax();

    private LogSoftmax() {
    }

    @Override
    public String name() {
        return "logSoftmax";
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Shape s = x[0].shape();
        ShapeException.check(s.rank() == 2, "logSoftmax: expected [rows, classes], got %s", s);
        Tensor y = Tensor.empty(x[0].backend(), s);
        y.backend().logSoftmax(x[0].buffer(), s.dim(0), s.dim(1), y.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        Shape rows = Shape.of(y.shape().dim(0));
        Tensor p = y.exp();
        return xDot[0].sub(p.mul(xDot[0]).sumTo(rows, 0).expand(y.shape(), 0));
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        Shape rows = Shape.of(y.shape().dim(0));
        Tensor p = y.exp();
        return new Tensor[] {yBar.sub(p.mulBroadcast(yBar.sumTo(rows, 0), 0))};
    }
}
