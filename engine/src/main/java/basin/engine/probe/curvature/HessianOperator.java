package basin.engine.probe.curvature;

import basin.engine.data.Dataset;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Objective;
import basin.engine.train.DeviceBatches;
import basin.kernels.Backend;

import java.util.List;

/**
 * The Hessian of the mean loss over a fixed set of examples, H = ∇²L(θ), as a linear operator. The
 * examples come in mini-batches; each batch's HVP is weighted by its size, so that
 * H v = Σ_b (|b| / N) ∇²L_b(θ) v is the Hessian of the mean over all N examples whatever the batching.
 * Batches are visited in their given order, so the result is deterministic. The float32 error of the
 * sum grows with the number of batches b like b·u (u = 6e-8), far below the HVP's own error.
 */
public final class HessianOperator implements CurvatureOperator {
    private final Objective objective;
    private final ParamVector theta;
    private final List<Batch> batches;
    private final int examples;
    private ParamVector part;                     // one batch's HVP, reused across calls
    private long hvpCount;

    /** H over the given batches, visited in order; θ must fit the objective's model. */
    public HessianOperator(Objective objective, ParamVector theta, List<Batch> batches) {
        if (theta.dim() != objective.model().layout().size()) {
            throw new IllegalArgumentException("hessian: θ has " + theta.dim() + " entries, the model has "
                    + objective.model().layout().size() + " parameters");
        }
        if (batches.isEmpty()) throw new IllegalArgumentException("hessian: no batches to average over");
        this.objective = objective;
        this.theta = theta;
        this.batches = List.copyOf(batches);
        int n = 0;
        for (Batch b : batches) n += b.size();
        this.examples = n;
    }

    /**
     * H of the mean loss over every example of {@code data}, in file order, in batches of
     * {@code batchSize} (the last one partial). The batches stay on the device, since every probe
     * step sweeps them all again: N·(input + classes) floats.
     */
    public static HessianOperator over(Objective objective, ParamVector theta, Dataset data, int batchSize) {
        if (data.count() == 0) throw new IllegalArgumentException("hessian: dataset " + data.name() + " has no examples");
        return new HessianOperator(objective, theta, new DeviceBatches(theta.backend(), data, batchSize).resident());
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
        if (v == out) throw new IllegalArgumentException("hessian: out must not alias v");
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            double weight = (double) b.size() / examples;
            if (i == 0) {                        // written, not accumulated: out may hold anything on entry
                objective.hvp(theta, v, b, out, null);
                if (weight != 1) out.scal(weight);
            } else {
                if (part == null) part = v.zerosLike();
                objective.hvp(theta, v, b, part, null);
                out.axpy(weight, part);
            }
        }
        hvpCount++;
    }

    @Override
    public Curvature curvature() {
        return Curvature.HESSIAN;
    }

    @Override
    public long productCount() {
        return hvpCount;
    }

    /** Number of Hessian-vector products applied so far (one per call of {@link #apply}, whatever the batching). */
    public long hvpCount() {
        return hvpCount;
    }

    @Override
    public int examples() {
        return examples;
    }

    @Override
    public int batchCount() {
        return batches.size();
    }
}
