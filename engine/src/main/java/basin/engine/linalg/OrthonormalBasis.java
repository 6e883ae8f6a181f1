package basin.engine.linalg;

import basin.kernels.Backend;
import basin.kernels.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Orthonormal vectors q₁ … q_j in parameter space, Q_j = [q₁ … q_j] (p × j), kept as the rows of
 * one row-major [m, p] block, so that Gram–Schmidt against all of them is two matrix–vector
 * products (classical Gram–Schmidt, Golub &amp; Van Loan, Matrix Computations, §5.2.7):
 * <pre>
 *  1  h ← Q_jᵀ w          (one GEMV over the [j, p] block; the j coefficients stay on the device)
 *  2  w ← w − Q_j h       (one GEMV over the block transposed)
 *  3  if ‖w‖ &lt; ‖w₀‖/√2:  repeat 1–2 once     (Daniel, Gragg, Kaufman &amp; Stewart 1976)
 * </pre>
 * Each pass reads the block twice and w a few times, about 2jp floats, where modified Gram–Schmidt
 * (w ← w − (q_iᵀw) q_i for each i in turn) reads each q_i twice and w three times per vector,
 * about 5jp, and on a device brings each of its j coefficients back to the host to scale the next
 * axpy. Here two scalars come back, ‖w₀‖ and ‖w‖.
 *
 * <p><b>Why the test in step 3.</b> One classical pass leaves w with components along Q of about
 * u·‖w₀‖ (u = 6e-8, float32: the coefficients and the subtraction round at the scale of w₀), which is
 * small relative to what is left, ‖w‖, only when little cancelled. When w lay mostly in span(Q_j)
 * those components are large relative to ‖w‖ and a second pass is needed; two passes give a w
 * orthogonal to Q to working precision ("twice is enough": Giraud, Langou, Rozložník &amp; van den
 * Eshof 2005, Numer. Math. 101). The test asks for the second pass exactly when the first cancelled
 * more than half of ‖w₀‖²; otherwise the components it left are of order u relative to ‖w‖.
 * Always running two passes (CGS2) would be safe without the test but doubles the cost, and the
 * Lanczos process, the main user, almost never needs it: its w arrives orthogonal to Q up to
 * u·‖H‖, so the first pass cancels little (see {@code Lanczos}).
 *
 * <p>The j coefficients are summed in float32 by the GEMV (in float64 by a {@code dot}); their
 * rounding, about u·‖w₀‖ each, is the same order as the rounding of the subtraction itself.
 */
public final class OrthonormalBasis {
    private final ParamLayout layout;
    private final Backend backend;
    private final int capacity;
    private final Buffer q;        // [capacity, p]: row i is q_{i+1}
    private final Buffer h;        // [capacity]: h = Q_jᵀ w of the last pass
    private final List<ParamVector> rows = new ArrayList<>();

    private OrthonormalBasis(Backend backend, ParamLayout layout, int capacity) {
        this.layout = layout;
        this.backend = backend;
        this.capacity = capacity;
        this.q = backend.allocate(capacity * layout.size());
        this.h = backend.allocate(capacity);
    }

    /** Room for {@code capacity} vectors of {@code layout}'s p parameters, allocated at once: capacity·p floats. */
    public static OrthonormalBasis allocate(Backend backend, ParamLayout layout, int capacity) {
        long floats = (long) capacity * layout.size();
        if (capacity < 1) throw new IllegalArgumentException("orthonormal basis: capacity must be ≥ 1, got " + capacity);
        if (floats > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("orthonormal basis: " + capacity + " vectors of " + layout.size()
                    + " parameters are " + floats + " floats, more than one buffer holds (2³¹ − 1)");
        }
        return new OrthonormalBasis(backend, layout, capacity);
    }

    /** j, the number of vectors held. */
    public int size() {
        return rows.size();
    }

    /** m, the most vectors it can hold. */
    public int capacity() {
        return capacity;
    }

    /** q_{i+1}, a view of row i of the block (no copy). */
    public ParamVector get(int i) {
        return rows.get(i);
    }

    /** q₁ … q_j as views of the block's rows (no copy; unmodifiable). */
    public List<ParamVector> vectors() {
        return List.copyOf(rows);
    }

    /**
     * q_{j+1} ← scale·v in the next free row; returns that row as a view. The caller makes it
     * orthonormal to the others (v from {@link #orthogonalise}, scale = 1/‖v‖); {@code v} is not
     * modified.
     */
    public ParamVector append(ParamVector v, double scale) {
        if (v.dim() != layout.size()) {
            throw new IllegalArgumentException("orthonormal basis: vector of " + v.dim() + " parameters for a basis of " + layout.size());
        }
        if (rows.size() == capacity) throw new IllegalStateException("orthonormal basis: all " + capacity + " rows are in use");
        int p = layout.size();
        ParamVector row = ParamVector.over(layout, q.slice(rows.size() * p, p));
        backend.scale(v.buffer(), (float) scale, row.buffer());
        rows.add(row);
        return row;
    }

    /**
     * w ← (I − Q_j Q_jᵀ) w, steps 1–3: one classical Gram–Schmidt pass, a second one when the
     * first cancelled most of w. Returns ‖w‖ afterwards.
     */
    public double orthogonalise(ParamVector w) {
        double before = w.norm();
        if (rows.isEmpty()) return before;
        subtractProjection(w);
        double after = w.norm();
        if (after < before / Math.sqrt(2)) {
            subtractProjection(w);
            after = w.norm();
        }
        return after;
    }

    /**
     * One classical Gram–Schmidt pass, w ← w − Q_j (Q_jᵀ w): steps 1 and 2 alone. On its own it
     * leaves components of about u·‖w₀‖ along Q, too large when w lay mostly in span(Q_j); that is
     * what {@link #orthogonalise} guards against.
     */
    public void subtractProjection(ParamVector w) {
        if (w.dim() != layout.size()) {
            throw new IllegalArgumentException("orthonormal basis: vector of " + w.dim() + " parameters for a basis of " + layout.size());
        }
        int j = rows.size(), p = layout.size();
        if (j == 0) return;
        Buffer qj = q.slice(0, j * p), hj = h.slice(0, j);
        // The block holds Q_jᵀ row-major, [j, p]: Q_jᵀw is the plain product, Q_j h the transposed one.
        backend.gemm(false, false, j, 1, p, 1f, qj, w.buffer(), 0f, hj);
        backend.gemm(true, false, p, 1, j, -1f, qj, hj, 1f, w.buffer());
    }
}
