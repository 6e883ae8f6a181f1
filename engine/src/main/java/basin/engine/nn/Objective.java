package basin.engine.nn;

import basin.autodiff.Autodiff;
import basin.autodiff.Losses;
import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.kernels.Arena;
import basin.kernels.Backend;

import java.util.List;

/**
 * The training objective of a model on a batch, L(θ) = mean cross-entropy of the model's logits,
 * as a function of the flat parameter vector θ: its value, its gradient ∇L and its
 * Hessian-vector product ∇²L·v. Every call runs inside an {@link Arena}, so that repeated calls
 * (a probe's HVP loop, a training epoch) reuse the same intermediate buffers.
 */
public final class Objective {
    private final Sequential model;
    private final Mode mode;

    public Objective(Sequential model, Mode mode) {
        this.model = model;
        this.mode = mode;
    }

    public Sequential model() {
        return model;
    }

    public Mode mode() {
        return mode;
    }

    /** L(θ) on the batch. */
    public double loss(ParamVector theta, Batch batch) {
        Backend backend = theta.backend();
        try (Arena arena = backend.openArena()) {
            Tensor loss = Losses.crossEntropy(model.forward(batch.inputs(), model.tensors(theta), mode), batch.targets());
            return checkFinite(loss.item(), "loss");
        }
    }

    /** Writes ∇L(θ) into {@code gradient} and returns L(θ), which the caller checks (it may be NaN when training diverges). */
    public double gradient(ParamVector theta, Batch batch, ParamVector gradient) {
        checkLength("gradient", theta, gradient);
        Backend backend = theta.backend();
        try (Arena arena = backend.openArena()) {
            double[] loss = new double[1];
            Tensor[] g = Autodiff.grad(p -> record(loss, lossOf(p, batch)), model.tensors(theta));
            scatter(g, gradient);
            return loss[0];
        }
    }

    /** Writes ∇²L(θ)·v into {@code hv} (and, when non-null, ∇L(θ) into {@code gradient}). */
    public void hvp(ParamVector theta, ParamVector v, Batch batch, ParamVector hv, ParamVector gradient) {
        hvp(theta, v, batch, hv, gradient, null);
    }

    /** The same product with its tape shown to {@code listener} (may be null): the teaching trace of {@code basin hvp --explain}. */
    public void hvp(ParamVector theta, ParamVector v, Batch batch, ParamVector hv, ParamVector gradient, Tape.Listener listener) {
        checkLength("hvp", theta, v);
        checkLength("hvp", theta, hv);
        Backend backend = theta.backend();
        try (Arena arena = backend.openArena()) {
            Autodiff.GradientAndHvp r = Autodiff.hvp(p -> lossOf(p, batch), model.tensors(theta), model.tensors(v), listener);
            scatter(r.hv(), hv);
            if (gradient != null) scatter(r.gradient(), gradient);
        }
    }

    /** The logits z = f(θ; x) of the batch, [B, C] row-major, on the host. */
    public float[] logits(ParamVector theta, Batch batch) {
        checkLength("logits", theta, theta);
        try (Arena arena = theta.backend().openArena()) {
            return model.forward(batch.inputs(), model.tensors(theta), mode).toHost();
        }
    }

    /**
     * The logits z and their tangent ż = J v (J = ∂z/∂θ, [B·C, p]), both [B, C] row-major, written
     * into {@code z} and {@code zDot}: one forward pass on dual numbers (θ, v).
     */
    public void logitsJvp(ParamVector theta, ParamVector v, Batch batch, float[] z, float[] zDot) {
        checkLength("logits jvp", theta, v);
        try (Arena arena = theta.backend().openArena()) {
            Tensor logits = Autodiff.jvp(p -> model.forward(batch.inputs(), p, mode), model.tensors(theta), model.tensors(v));
            ShapeException.check(z.length == logits.shape().size() && zDot.length == z.length,
                    "logits jvp: logits %s into arrays of %d and %d", logits.shape(), z.length, zDot.length);
            theta.backend().copyOut(logits.buffer(), z, 0);
            if (logits.tangent() != null) theta.backend().copyOut(logits.tangent().buffer(), zDot, 0);
            else java.util.Arrays.fill(zDot, 0f);             // no path from θ to the logits
        }
    }

    /**
     * Writes Jᵀ u into {@code out} for a cotangent u on the logits ([B, C] row-major): one recorded
     * forward pass and one reverse sweep seeded with u.
     */
    public void logitsVjp(ParamVector theta, Batch batch, float[] u, ParamVector out) {
        checkLength("logits vjp", theta, out);
        Backend backend = theta.backend();
        try (Arena arena = backend.openArena()) {
            Tensor uBar = Tensor.fromHost(backend, Shape.of(batch.size(), model.outputShape().size()), u);
            scatter(Autodiff.vjp(p -> model.forward(batch.inputs(), p, mode), model.tensors(theta), uBar), out);
        }
    }

    private Tensor lossOf(Tensor[] params, Batch batch) {
        return Losses.crossEntropy(model.forward(batch.inputs(), params, mode), batch.targets());
    }

    private static Tensor record(double[] into, Tensor loss) {
        // The value is read off the primal before the sweep; one scalar crosses to the host.
        into[0] = loss.item();
        return loss;
    }

    /** Copies per-tensor results into their slices of a flat vector. */
    private void scatter(Tensor[] pieces, ParamVector out) {
        List<ParamLayout.Entry> entries = model.layout().entries();
        for (int i = 0; i < pieces.length; i++) {
            ParamLayout.Entry e = entries.get(i);
            out.backend().copy(pieces[i].buffer(), out.buffer().slice(e.offset(), e.size()));
        }
    }

    private void checkLength(String op, ParamVector theta, ParamVector v) {
        ShapeException.check(v.dim() == model.layout().size() && theta.dim() == model.layout().size(),
                "%s: vector of length %d for a model of %d parameters", op, v.dim(), model.layout().size());
    }

    private static double checkFinite(double value, String what) {
        if (!Double.isFinite(value)) throw new ArithmeticException(what + " is not finite: " + value);
        return value;
    }
}
