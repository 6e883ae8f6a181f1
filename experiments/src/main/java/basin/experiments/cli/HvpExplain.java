package basin.experiments.cli;

import basin.autodiff.Op;
import basin.autodiff.Tape;
import basin.autodiff.Tensor;

import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code basin hvp --explain}: forward-over-reverse shown record by record. In the forward pass every
 * value y carries its tangent ẏ = J_y(θ)·v, pushed along by each op's jvp rule. In the reverse sweep
 * every cotangent ȳ = ∂L/∂y is itself a dual number whose tangent is the derivative of ȳ along v; at θ
 * that tangent is H v. Tensors print whole up to {@link #WHOLE} entries, else their first entries and norm.
 */
final class HvpExplain implements Tape.Listener {
    static final int WHOLE = 8;

    private final PrintStream out;
    private boolean reverseStarted;

    HvpExplain(PrintStream out) {
        this.out = out;
        out.println();
        out.println("── forward pass on dual numbers (θ, v): each op's value y and its tangent ẏ (jvp rule; 0 = a symbolic zero)");
    }

    @Override
    public void onForward(int n, Op op, Tensor y) {
        out.printf(Locale.ROOT, "  #%-2d %-14s %-9s y = %s%n", n, op.name(), y.shape(), entries(y.primal()));
        out.printf(Locale.ROOT, "      %-14s %-9s ẏ = %s%n", "", "", y.tangent() != null ? entries(y.tangent()) : "0");
    }

    @Override
    public void onBackward(int n, Op op, Tensor yBar) {
        if (!reverseStarted) {
            reverseStarted = true;
            out.println();
            out.println("── reverse sweep, its vjp rules run on duals too: each output's cotangent ȳ and ȳ's own tangent (ȳ)˙");
        }
        out.printf(Locale.ROOT, "  #%-2d %-14s %-9s ȳ = %s%n", n, op.name(), yBar.shape(), entries(yBar.primal()));
        out.printf(Locale.ROOT, "      %-14s %-9s (ȳ)˙ = %s%n", "", "", yBar.tangent() != null ? entries(yBar.tangent()) : "0");
    }

    /** The entries of t, all of them when few, else the first four and the norm. */
    static String entries(Tensor t) {
        float[] v = t.toHost();
        StringBuilder b = new StringBuilder("[");
        int shown = v.length <= WHOLE ? v.length : 4;
        for (int i = 0; i < shown; i++) b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.5g", v[i]));
        if (shown < v.length) {
            double norm = 0;
            for (float x : v) norm += (double) x * x;
            b.append(String.format(Locale.ROOT, ", … (%d entries, norm %.5g)", v.length, Math.sqrt(norm)));
        }
        return b.append("]").toString();
    }
}
