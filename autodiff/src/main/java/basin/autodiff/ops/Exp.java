package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Tensor;

/**
 * y = exp(x);  ẏ = y ⊙ ẋ;  x̄ = y ⊙ ȳ. The cotangent rule multiplies by y itself, whose tangent
 * y ⊙ ẋ supplies the second derivative under an HVP.
 */
public final class Exp extends Op {
    public static final Exp OP = new Exp();

    private Exp() {
    }

    @Override
    public String name() {
        return "exp";
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Tensor y = Tensor.empty(x[0].backend(), x[0].shape());
        y.backend().exp(x[0].buffer(), y.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        return xDot[0].mul(y);
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        return new Tensor[] {yBar.mul(y)};
    }
}
