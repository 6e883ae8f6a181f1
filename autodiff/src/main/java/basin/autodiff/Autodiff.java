package basin.autodiff;

import java.util.function.Function;

/**
 * Derivatives of a scalar function f of tensors, as transformations (the JAX way):
 * <pre>
 *   grad   ∇f(x)                     one recorded forward pass and one reverse sweep
 *   jvp    J_f(x) ẋ                  one forward pass on dual numbers (x, ẋ)
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
     * ∇f(x) and ∇²f(x)·v. The inputs enter as dual numbers (x, v); the reverse sweep's rules run on
     * duals too, so each input's cotangent comes back as the pair (∇f, Hv).
     */
    public static GradientAndHvp hvp(Function<Tensor[], Tensor> f, Tensor[] x, Tensor[] v) {
        checkDirections("hvp", x, v);
        Tensor[] duals = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) duals[i] = Tensor.variable(x[i].shape(), x[i].buffer(), v[i]);
        try (Tape tape = Tape.record()) {
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
