package basin.autodiff;

/**
 * A primitive operation y = f(x₁, …, xₙ), defined by three rules in one place:
 * <pre>
 *   forward   y  = f(x)                         runs kernels on the primal values
 *   jvp       ẏ  = Σᵢ ∂f/∂xᵢ · ẋᵢ               the tangent (forward mode)
 *   vjp       x̄ᵢ = (∂f/∂xᵢ)ᵀ · ȳ                the cotangent (reverse mode)
 * </pre>
 * The vjp rule is written with differentiable tensor ops, never with raw kernels. During an HVP the
 * values it receives carry tangents, so each op it calls pushes those tangents forward: the reverse
 * sweep is itself differentiated in forward mode and the parameter cotangent comes back as the dual
 * number (∇L, Hv). That is Pearlmutter's R-operator (1994) and the reason HVPs need no code of their own.
 *
 * <p>{@link #apply} is the one dispatch point: it runs {@code forward} on the primal values, runs
 * {@code jvp} when any input carries a tangent, and records the op on the active {@link Tape} when
 * any input is being differentiated.
 */
public abstract class Op {

    /** The name used in messages: {@code "matmul"}, {@code "relu"}. */
    public abstract String name();

    /**
     * The primal value. Validates shapes (throwing {@link ShapeException} naming this op) before any
     * kernel runs. Inputs carry no tangent and no history.
     */
    protected abstract Tensor forward(Tensor[] x);

    /**
     * The tangent ẏ given ẋ, where a null ẋᵢ is a symbolic zero. Inputs are primal values; the rule is
     * not recorded. Returns null when the tangent is identically zero.
     */
    protected abstract Tensor jvp(Tensor[] x, Tensor y, Tensor[] xDot);

    /**
     * The cotangents x̄ᵢ for the inputs with {@code needed[i]}; other entries may be null, and so may an
     * entry that is identically zero. Written with differentiable ops: x and y carry their tangents
     * during an HVP.
     */
    protected abstract Tensor[] vjp(Tensor[] x, Tensor y, Tensor yBar, boolean[] needed);

    /** Applies the op: primal, tangent when any input has one, and a tape record when differentiating. */
    public final Tensor apply(Tensor... x) {
        Tensor[] primal = new Tensor[x.length];
        Tensor[] xDot = new Tensor[x.length];
        boolean anyTangent = false, anyTracked = false;
        for (int i = 0; i < x.length; i++) {
            primal[i] = x[i].primal();
            xDot[i] = x[i].tangent();
            anyTangent |= xDot[i] != null;
            anyTracked |= x[i].requiresGrad();
        }
        Tensor y = forward(primal);
        Tensor yDot = null;
        if (anyTangent) {
            try (Tape.Pause ignored = Tape.pause()) {
                yDot = jvp(primal, y, xDot);
            }
        }
        Tape tape = Tape.active();
        boolean tracked = tape != null && anyTracked;
        Tensor out = y.with(yDot, tracked);
        if (tracked) tape.record(this, x, out);
        return out;
    }

    @Override
    public String toString() {
        return name();
    }
}
