package basin.autodiff.ops;

import basin.autodiff.Op;
import basin.autodiff.Tensor;

/**
 * The rectifier and its mask.
 * <pre>
 *   relu           y = max(x, 0)     ẏ = 𝟙[x&gt;0] ⊙ ẋ     x̄ = 𝟙[x&gt;0] ⊙ ȳ
 *   positiveMask   y = 𝟙[x&gt;0]        ẏ = 0                x̄ = 0
 * </pre>
 * The mask is piecewise constant, so its derivative is zero wherever it exists (everywhere but
 * x = 0): under an HVP the relu's cotangent rule contributes only the incoming tangent of ȳ, masked
 * the same way, and relu adds no curvature of its own.
 */
public final class Relu extends Op {
    public static final Relu RELU = new Relu(false);
    public static final Relu POSITIVE_MASK = new Relu(true);

    private final boolean mask;

    private Relu(boolean mask) {
        this.mask = mask;
    }

    @Override
    public String name() {
        return mask ? "positiveMask" : "relu";
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Tensor y = Tensor.empty(x[0].backend(), x[0].shape());
        if (mask) y.backend().positiveMask(x[0].buffer(), y.buffer());
        else y.backend().relu(x[0].buffer(), y.buffer());
        return y;
    }

    @Override
    protected Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot) {
        return mask ? null : xDot[0].mul(x[0].positiveMask());
    }

    @Override
    protected Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed) {
        return new Tensor[] {mask ? null : yBar.mul(x[0].positiveMask())};
    }
}
