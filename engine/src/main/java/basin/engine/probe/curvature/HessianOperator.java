package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import basin.kernels.Backend;

import java.util.List;

/**
 * The Hessian of the mean loss over a fixed set of examples, H = ∇²L(θ), as a linear operator. The
 * examples come in mini-batches; each batch's HVP is weighted by its size, so that
 * H v = Σ_b (|b| / N) ∇²L_b(θ) v is the Hessian of the mean over all N examples whatever the batching.
 * Batches are visited in their given order, so the result is deterministic.
 */
public final class HessianOperator implements LinearOperator {
    private final Objective objective;
    private final ParamVector theta;
    private final List<Batch> batches;
    private final int examples;
    private long hvpCount;

    public HessianOperator(Objective objective, ParamVector theta, List<Batch> batches) {
        if (batches.isEmpty()) throw new IllegalArgumentException("hessian: no batches to average over");
        this.objective = objective;
        this.theta = theta;
        this.batches = List.copyOf(batches);
        int n = 0;
        for (Batch b : batches) n += b.size();
        this.examples = n;
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
    public void apply(ParamVector v, ParamVector out) {
        if (batches.size() == 1) {
            objective.hvp(theta, v, batches.get(0), out, null);
        } else {
            ParamVector part = v.zerosLike();
            out.scal(0);
            for (Batch b : batches) {
                objective.hvp(theta, v, b, part, null);
                out.axpy((double) b.size() / examples, part);
            }
        }
        hvpCount++;
    }

    /** Number of Hessian-vector products applied so far (one per call of {@link #apply}, whatever the batching). */
    public long hvpCount() {
        return hvpCount;
    }

    /** N, the number of examples the loss is averaged over. */
    public int examples() {
        return examples;
    }
}
