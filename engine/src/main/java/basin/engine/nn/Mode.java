package basin.engine.nn;

/**
 * Train or eval mode for a forward pass. It matters for layers whose behaviour differs (BatchNorm's
 * batch statistics, dropout's masks); curvature probes use {@link #EVAL} unless asked otherwise.
 */
public enum Mode {
    TRAIN, EVAL
}
