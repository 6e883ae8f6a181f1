package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Tensor;

/**
 * y = 1/√x;  ẏ = −½ y³ ⊙ ẋ;  x̄ = −½ y³ ⊙ ȳ. The cotangent rule multiplies by y itself, whose
 * tangent −½ y³ ẋ supplies the second derivative ¾ x^(−5/2) under an HVP. BatchNorm's
 * 1/√(σ² + ε) is this op after {@code shift(ε)}.
 */
public final class Rsqrt extends Op {
    public static final Rsqrt OP = new Rsqrt();

    private Rsqrt() {
    }

    @Override
    public String name() {
        return "rsqrt";
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Tensor y = Tensor.empty(x[0].backend(), x[0].shape());
        y.backend().rsqrt(x[0].buffer(), y.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        return xDot[0].mul(slope(y));
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        return new Tensor[] {yBar.mul(slope(y))};
    }

    /** dy/dx = −½ y³, written with differentiable ops so that it carries y's tangent. */
    private static Tensor slope(Tensor y) {
        return y.mul(y).mul(y).scale(-0.5f);
    }
}
