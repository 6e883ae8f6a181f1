package basin.autodiff;

import java.util.function.Function;

/**
 * Derivatives of a scalar function f of tensors, as transformations (the JAX way):
 * <pre>
 *   grad   ∇f(x)                     one recorded forward pass and one reverse sweep
 *   jvp    J_f(x) ẋ                  one forward pass on dual numbers (x, ẋ)
 *   vjp    J_f(x)ᵀ ȳ                 one recorded forward pass and one reverse sweep seeded with ȳ
 *   hvp    ∇²f(x) v = d/dε ∇f(x+εv)  grad run on dual numbers: forward-over-reverse
 * </pre>
 * The HVP costs one forward and one reverse pass, each on dual numbers: a small constant times a
 * gradient, exact to float32 rounding (Pearlmutter, "Fast exact multiplication by the Hessian", 1994).
 */
public final class Autodiff {
    private Autodiff() {
    }

    /** The result of an HVP: the gradient ∇f(x) and the product H v, one tensor per input. */
    public record GradientAndHvp(Tensor[] gradient, Tensor[] hv) {
    }

    /** ∇f at x, one tensor per input. */
    public static Tensor[] grad(Function<Tensor[], Tensor> f, Tensor... x) {
        Tensor[] leaves = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) leaves[i] = Tensor.variable(x[i].shape(), x[i].buffer(), null);
        try (Tape tape = Tape.record()) {
            Tensor y = f.apply(leaves);
            return primal(tape.gradients(y, leaves));
        }
    }

    /** The value f(x) carrying its tangent J_f(x)·ẋ. */
    public static Tensor jvp(Function<Tensor[], Tensor> f, Tensor[] x, Tensor[] xDot) {
        checkDirections("jvp", x, xDot);
        Tensor[] duals = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) duals[i] = Tensor.variable(x[i].shape(), x[i].buffer(), xDot[i]);
        return f.apply(duals);
    }

    /**
     * x̄ = J_f(x)ᵀ ȳ for a tensor-valued f, one tensor per input: the reverse sweep seeded with ȳ at
     * f(x) instead of 1 at a scalar ({@link #grad} is the case f scalar, ȳ = 1). An input f does not
     * depend on gets zeros.
     */
    public static Tensor[] vjp(Function<Tensor[], Tensor> f, Tensor[] x, Tensor yBar) {
        Tensor[] leaves = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) leaves[i] = Tensor.variable(x[i].shape(), x[i].buffer(), null);
        try (Tape tape = Tape.record()) {
            Tensor y = f.apply(leaves);
            ShapeException.check(y.shape().equals(yBar.shape()),
                    "vjp: cotangent of shape %s for a value of shape %s", yBar.shape(), y.shape());
            java.util.Map<Tensor, Tensor> bar = tape.backward(y, yBar);
            Tensor[] xBar = new Tensor[x.length];
            for (int i = 0; i < x.length; i++) {
                Tensor b = bar.get(leaves[i]);
                xBar[i] = b != null ? b.primal() : Tensor.zeros(x[i].backend(), x[i].shape());
            }
            return xBar;
        }
    }

    /**
     * ∇f(x) and ∇²f(x)·v. The inputs enter as dual numbers (x, v); the reverse sweep's rules run on
     * duals too, so each input's cotangent comes back as the pair (∇f, Hv).
     */
    public static GradientAndHvp hvp(Function<Tensor[], Tensor> f, Tensor[] x, Tensor[] v) {
        return hvp(f, x, v, null);
    }

    /** {@link #hvp(Function, Tensor[], Tensor[])} with every record of its tape shown to {@code listener} (may be null). */
    public static GradientAndHvp hvp(Function<Tensor[], Tensor> f, Tensor[] x, Tensor[] v, Tape.Listener listener) {
        checkDirections("hvp", x, v);
        Tensor[] duals = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) duals[i] = Tensor.variable(x[i].shape(), x[i].buffer(), v[i]);
        try (Tape tape = Tape.record(listener)) {
            Tensor y = f.apply(duals);
            Tensor[] g = tape.gradients(y, duals);
            Tensor[] hv = new Tensor[g.length];
            for (int i = 0; i < g.length; i++) {
                hv[i] = g[i].tangent() != null ? g[i].tangent() : Tensor.zeros(x[i].backend(), x[i].shape());
            }
            return new GradientAndHvp(primal(g), hv);
        }
    }

    private static Tensor[] primal(Tensor[] t) {
        Tensor[] p = new Tensor[t.length];
        for (int i = 0; i < t.length; i++) p[i] = t[i].primal();
        return p;
    }

    private static void checkDirections(String op, Tensor[] x, Tensor[] v) {
        ShapeException.check(x.length == v.length, "%s: %d inputs but %d directions", op, x.length, v.length);
        for (int i = 0; i < x.length; i++) {
            ShapeException.check(x[i].shape().equals(v[i].shape()),
                    "%s: direction %d has shape %s, input has shape %s", op, i, v[i].shape(), x[i].shape());
        }
    }
}
