package basin.engine.probe.curvature;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Backend;

/**
 * A symmetric linear map A: ℝᵖ → ℝᵖ known only through its action v ↦ Av (for a Hessian, one HVP).
 * Probes see nothing else, so each can be tested on a plain matrix whose spectrum is chosen.
 */
public interface LinearOperator {

    /** The layout of the vectors it acts on; its size is p. */
    ParamLayout layout();

    /** The backend its vectors live on. */
    Backend backend();

    /** out ← A v. {@code out} must not alias v. */
    void apply(ParamVector v, ParamVector out);

    /** A v as a new vector. */
    default ParamVector apply(ParamVector v) {
        ParamVector out = v.zerosLike();
        apply(v, out);
        return out;
    }

    /** p, the dimension. */
    default int dim() {
        return layout().size();
    }
}
