package basin.experiments.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code basin bench} times: one call of each is one measurement. */
public enum Operation {
    /** ∇L(θ) of the mean cross-entropy on one batch: a recorded forward pass and a reverse sweep. */
    GRAD("grad", "gradient ∇L(θ)"),
    /** ∇²L(θ)·v, forward-over-reverse: the same two passes on dual numbers (θ, v). */
    HVP("hvp", "Hessian-vector product H·v"),
    /** G·v = Jᵀ H_ℓ J v, the generalised Gauss–Newton product: one JVP, then one VJP. */
    GGN("ggn", "Gauss–Newton product G·v"),
    /** C = A·B in float32 on the backend's GEMM. */
    GEMM("gemm", "GEMM C = A·B"),
    /** One step of Lanczos with full re-orthogonalisation: an HVP, the recurrence, one Gram–Schmidt pass. */
    LANCZOS_STEP("lanczos-step", "Lanczos step (HVP + re-orthogonalisation)");

    private final String label, description;

    Operation(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** The name on the command line: grad, hvp, ggn, gemm, lanczos-step. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** Whether the operation runs a model (all but gemm). */
    public boolean needsModel() {
        return this != GEMM;
    }

    /** The operation called {@code label} on the command line. */
    public static Operation parse(String label) {
        for (Operation op : values()) if (op.label.equals(label.trim().toLowerCase(Locale.ROOT))) return op;
        throw new IllegalArgumentException("bench: unknown operation '" + label + "'; known: "
                + Arrays.stream(values()).map(Operation::label).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return label;
    }
}
