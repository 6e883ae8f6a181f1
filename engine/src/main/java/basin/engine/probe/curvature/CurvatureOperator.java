package basin.engine.probe.curvature;

/**
 * A curvature matrix of the mean loss over a fixed set of N examples, as a linear operator: the
 * Hessian or one of its positive semi-definite stand-ins (generalised Gauss–Newton, Fisher, Monte-Carlo
 * Fisher, empirical Fisher; see {@link Curvature}). Every probe takes any of them.
 */
public interface CurvatureOperator extends LinearOperator {

    /** Which matrix this is. */
    Curvature curvature();

    /** N, the number of examples the loss is averaged over. */
    int examples();

    /** The number of mini-batches one product sweeps. */
    int batchCount();

    /** The number of matrix-vector products applied so far (one per call of {@link #apply}, whatever the batching). */
    long productCount();
}
