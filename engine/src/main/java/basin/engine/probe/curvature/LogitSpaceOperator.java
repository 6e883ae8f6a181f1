package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.kernels.Backend;

import java.util.List;

/**
 * A curvature matrix of the form A = (1/N) Σ_n J_nᵀ M_n J_n, with J_n = ∂z_n/∂θ the Jacobian of
 * example n's logits and M_n a C × C matrix in logit space (Schraudolph 2002, "Fast curvature
 * matrix-vector products for second-order gradient descent"). A product never forms J:
 * <pre>
 *  1  for each batch b (in order)
 *  2      (z, ż) ← f(θ; x_b) on dual numbers (θ, v)           (one JVP: ż_n = J_n v)
 *  3      u_n ← (1/N) M_n ż_n  for every example n of b        (C × C, on the host, float64)
 *  4      A v += J_bᵀ u                                        (one VJP: a reverse sweep seeded with u)
 * </pre>
 * Subclasses say what M_n is. The objective's mode decides what f is: in eval mode (the default,
 * BatchNorm on its running statistics, no dropout) z_n depends on θ and x_n alone; in
 * batch-statistics mode z_n depends on the whole batch through its statistics, J_n includes that
 * dependence, and the matrix depends on the batching, like the Hessian. Train mode is refused:
 * dropout would draw different masks in steps 2 and 4. Only N·C floats cross to the host per batch
 * and direction.
 */
public abstract class LogitSpaceOperator implements CurvatureOperator {
    private final Curvature curvature;
    private final Objective objective;
    private final ParamVector theta;
    private final List<Batch> batches;
    private final int examples, classes;
    private final float[][] targets;             // per batch, [B, C] row-major, read once
    private ParamVector part;                    // one batch's J_bᵀ u, reused across calls
    private long productCount;

    protected LogitSpaceOperator(Curvature curvature, Objective objective, ParamVector theta, List<Batch> batches) {
        String op = curvature.label();
        if (theta.dim() != objective.model().layout().size()) {
            throw new IllegalArgumentException(op + ": θ has " + theta.dim() + " entries, the model has "
                    + objective.model().layout().size() + " parameters");
        }
        if (batches.isEmpty()) throw new IllegalArgumentException(op + ": no batches to average over");
        if (objective.mode() == Mode.TRAIN) {
            throw new IllegalArgumentException(op + ": the objective is in train mode, whose dropout masks would differ between "
                    + "the JVP and the VJP; use eval or batch-statistics");
        }
        this.curvature = curvature;
        this.objective = objective;
        this.theta = theta;
        this.batches = List.copyOf(batches);
        this.classes = objective.model().outputShape().size();
        this.targets = new float[batches.size()][];
        int n = 0;
        for (int b = 0; b < batches.size(); b++) {
            Batch batch = batches.get(b);
            if (batch.targets().shape().dim(1) != classes) {
                throw new IllegalArgumentException(op + ": batch " + b + " has targets " + batch.targets().shape() + " for a model of "
                        + classes + " classes");
            }
            targets[b] = batch.targets().toHost();
            n += batch.size();
        }
        this.examples = n;
    }

    /**
     * u ← M_n ż for example {@code n} (numbered across all batches, in order), given its predicted
     * probabilities p = softmax(z_n) and its target row y (one-hot or probabilities). The 1/N is
     * applied by the caller. {@code u} holds zeros on entry.
     */
    protected abstract void logitSpace(int n, double[] p, float[] y, int yOffset, double[] zDot, double[] u);

    @Override
    public final void apply(ParamVector v, ParamVector out) {
        String op = curvature.label();
        if (v == out) throw new IllegalArgumentException(op + ": out must not alias v");
        int first = 0;
        for (int b = 0; b < batches.size(); b++) {
            Batch batch = batches.get(b);
            int size = batch.size();
            float[] z = new float[size * classes], zDot = new float[size * classes], u = new float[size * classes];
            objective.logitsJvp(theta, v, batch, z, zDot);                              // 2
            double[] p = new double[classes], zDotRow = new double[classes], uRow = new double[classes];
            for (int i = 0; i < size; i++) {                                            // 3
                softmax(z, i * classes, p);
                for (int c = 0; c < classes; c++) {
                    zDotRow[c] = zDot[i * classes + c];
                    uRow[c] = 0;
                }
                logitSpace(first + i, p, targets[b], i * classes, zDotRow, uRow);
                for (int c = 0; c < classes; c++) u[i * classes + c] = (float) (uRow[c] / examples);
            }
            if (b == 0) {                                                               // 4; written, not accumulated
                objective.logitsVjp(theta, batch, u, out);
            } else {
                if (part == null) part = v.zerosLike();
                objective.logitsVjp(theta, batch, u, part);
                out.axpy(1, part);
            }
            first += size;
        }
        productCount++;
    }

    /** p ← softmax(z[offset … offset + C)), in float64, the row's maximum subtracted first. */
    static void softmax(float[] z, int offset, double[] p) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int c = 0; c < p.length; c++) max = Math.max(max, z[offset + c]);
        for (int c = 0; c < p.length; c++) sum += p[c] = Math.exp(z[offset + c] - max);
        for (int c = 0; c < p.length; c++) p[c] /= sum;
    }

    /** u ← u + w · r (rᵀ ż): one rank-one term of M ż, for r = p − e_label (label = −1 for r = p − y). */
    static void addOuter(double w, double[] r, double[] zDot, double[] u) {
        double rz = 0;
        for (int c = 0; c < r.length; c++) rz += r[c] * zDot[c];
        for (int c = 0; c < r.length; c++) u[c] += w * r[c] * rz;
    }

    /** r ← p − e_label, the gradient of −log p_label in the logits. */
    static void logitGradient(double[] p, int label, double[] r) {
        System.arraycopy(p, 0, r, 0, p.length);
        r[label] -= 1;
    }

    /** The objective whose logits this differentiates. */
    protected Objective objective() {
        return objective;
    }

    /** θ. */
    protected ParamVector theta() {
        return theta;
    }

    /** The batches, in the order a product visits them. */
    protected List<Batch> batches() {
        return batches;
    }

    /** C, the number of classes. */
    protected int classes() {
        return classes;
    }

    @Override
    public Curvature curvature() {
        return curvature;
    }

    @Override
    public ParamLayout layout() {
        return theta.layout();
    }

    @Override
    public Backend backend() {
        return theta.backend();
    }

    @Override
    public int examples() {
        return examples;
    }

    @Override
    public int batchCount() {
        return batches.size();
    }

    @Override
    public long productCount() {
        return productCount;
    }
}
