package basin.kernels;

/** The binary operation applied by {@link Backend#broadcast}: {@code out = x ∘ b} with b broadcast. */
public enum BroadcastOp {
    ADD, MUL
}
