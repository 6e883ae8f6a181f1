package basin.autodiff;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The record of a forward pass: every op applied to a tensor that is being differentiated, in the
 * order it ran. {@link #backward} replays the records in reverse and applies each op's vjp rule,
 * accumulating x̄ += (∂y/∂x)ᵀ ȳ (Griewank &amp; Walther, <i>Evaluating Derivatives</i>, ch. 3).
 *
 * <p>A tape is active on the thread that opened it until it is closed:
 * <pre>
 *   try (Tape tape = Tape.record()) {
 *       Tensor loss = f(theta);
 *       Tensor[] g = tape.gradients(loss, theta);
 *   }
 * </pre>
 * The reverse sweep runs with recording paused: its ops are not recorded, but they do carry
 * tangents, which is what turns a gradient into a Hessian-vector product.
 */
public final class Tape implements AutoCloseable {
    private static final ThreadLocal<Tape> ACTIVE = new ThreadLocal<>();

    /** One recorded application: y = op(x). */
    private record Node(Op op, Tensor[] inputs, Tensor output) {
    }

    /**
     * Sees the tape record by record, for a teaching trace ({@code basin hvp --explain}): it only
     * reads the tensors it is handed, so a traced sweep computes exactly what an untraced one does.
     */
    public interface Listener {
        /** Record n of the forward pass: y = op(…), carrying its tangent ẏ when an input carried one. */
        void onForward(int n, Op op, Tensor y);

        /** The reverse sweep reached record n with ȳ, the cotangent of its output (a dual number during an HVP). */
        void onBackward(int n, Op op, Tensor yBar);
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Tape previous;
    private final Listener listener;
    private boolean closed;

    private Tape(Listener listener) {
        this.previous = ACTIVE.get();
        this.listener = listener;
    }

    /** Opens a tape and makes it the active one on this thread. */
    public static Tape record() {
        return record(null);
    }

    /** Opens a tape that shows each record to {@code listener} (may be null), as it is made and as the reverse sweep reaches it. */
    public static Tape record(Listener listener) {
        Tape t = new Tape(listener);
        ACTIVE.set(t);
        return t;
    }

    /** The tape recording on this thread, or null. */
    static Tape active() {
        return ACTIVE.get();
    }

    /** Suspends recording until the returned scope closes. */
    public static Pause pause() {
        Tape t = ACTIVE.get();
        ACTIVE.set(null);
        return new Pause(t);
    }

    /** A scope in which no tape records; restores the previous tape on close. */
    public static final class Pause implements AutoCloseable {
        private final Tape saved;

        private Pause(Tape saved) {
            this.saved = saved;
        }

        @Override
        public void close() {
            ACTIVE.set(saved);
        }
    }

    void record(Op op, Tensor[] inputs, Tensor output) {
        nodes.add(new Node(op, inputs.clone(), output));
        if (listener != null) listener.onForward(nodes.size() - 1, op, output);
    }

    /** Number of ops recorded so far. */
    public int size() {
        return nodes.size();
    }

    /**
     * ∂loss/∂x for each x in {@code wrt}, for a scalar loss. An input the loss does not depend on gets
     * a tensor of zeros. When the inputs carry tangents v, each result carries the tangent H·v.
     */
    public Tensor[] gradients(Tensor loss, Tensor... wrt) {
        ShapeException.check(loss.shape().size() == 1,
                "gradients: the loss must be a scalar, got shape %s", loss.shape());
        Tensor seed = Tensor.full(loss.backend(), loss.shape(), 1f);
        Map<Tensor, Tensor> bar = backward(loss, seed);
        Tensor[] g = new Tensor[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            Tensor gi = bar.get(wrt[i]);
            g[i] = gi != null ? gi : Tensor.zeros(wrt[i].backend(), wrt[i].shape());
        }
        return g;
    }

    /**
     * The reverse sweep: the cotangent of every tensor on the path from the recorded inputs to
     * {@code y}, given ȳ at y. Keys are compared by identity.
     */
    public Map<Tensor, Tensor> backward(Tensor y, Tensor yBar) {
        ShapeException.check(y.shape().equals(yBar.shape()),
                "backward: cotangent shape %s differs from the value's shape %s", yBar.shape(), y.shape());
        Map<Tensor, Tensor> bar = new IdentityHashMap<>();
        bar.put(y, yBar);
        try (Pause ignored = pause()) {
            for (int n = nodes.size() - 1; n >= 0; n--) {
                Node node = nodes.get(n);
                Tensor outBar = bar.get(node.output());
                if (outBar == null) continue;                       // does not reach y
                if (listener != null) listener.onBackward(n, node.op(), outBar);
                Tensor[] in = node.inputs();
                boolean[] needed = new boolean[in.length];
                for (int i = 0; i < in.length; i++) needed[i] = in[i].requiresGrad();
                Tensor[] inBar = node.op().vjp(in, node.output(), outBar, needed);
                for (int i = 0; i < in.length; i++) {
                    if (needed[i] && inBar[i] != null) bar.merge(in[i], inBar[i], Tensor::add);   // x̄ += …
                }
            }
        }
        return bar;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (ACTIVE.get() == this) ACTIVE.set(previous);
        nodes.clear();
    }
}
