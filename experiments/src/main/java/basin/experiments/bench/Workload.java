package basin.experiments.bench;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.OrthonormalBasis;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.probe.curvature.GaussNewtonOperator;
import basin.engine.probe.curvature.HessianOperator;
import basin.kernels.Backend;
import basin.kernels.Buffer;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One call to time, set up once: the operation, its inputs already on the device, and the flops one
 * call does where they are known (NaN otherwise). Inputs are random, from a fixed seed, never zeros
 * (the kernels do not skip zeros, but a comparison with another engine would be unfair if they
 * did); models run in eval mode (BatchNorm on its running statistics, no dropout), float32.
 * Every call writes its result into the same vector or matrix, which the workload keeps, so that
 * the work cannot be dropped as unused.
 */
public record Workload(Operation operation, Runnable call, double flops) {

    /** C[m×n] = A[m×k]·B[k×n], row-major, no transposes, β = 0, A and B uniform in [−1, 1]: 2mnk flops. */
    public static Workload gemm(Backend backend, int m, int k, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Buffer a = uniform(backend, rng, m * k), b = uniform(backend, rng, k * n), c = backend.allocate(m * n);
        return new Workload(Operation.GEMM, () -> backend.gemm(false, false, m, n, k, 1f, a, b, 0f, c), 2.0 * m * n * k);
    }

    /**
     * {@code op} on {@code model}'s mean cross-entropy over one batch: θ from the model's seeded
     * initialisation, standard Gaussian inputs, one-hot targets of uniformly drawn classes, a
     * Gaussian direction v. {@code lanczosSteps} is the number of stored vectors a Lanczos step
     * re-orthogonalises against (used by lanczos-step only).
     */
    public static Workload of(Operation op, Backend backend, Sequential model, int batch, long seed, int lanczosSteps) {
        SplittableRandom rng = new SplittableRandom(seed);
        ParamVector theta = model.initialParameters(backend, seed);
        ParamVector v = ParamVector.gaussian(backend, model.layout(), rng);
        ParamVector out = theta.zerosLike();
        Batch data = randomBatch(backend, model, batch, rng);
        Objective objective = new Objective(model, Mode.EVAL);
        ModelFlops flops = ModelFlops.of(model);
        return switch (op) {
            case GRAD -> new Workload(op, () -> objective.gradient(theta, data, out), flops.perCall(op, batch));
            case HVP -> new Workload(op, () -> objective.hvp(theta, v, data, out, null), flops.perCall(op, batch));
            case GGN -> {
                GaussNewtonOperator g = new GaussNewtonOperator(objective, theta, List.of(data));
                yield new Workload(op, () -> g.apply(v, out), flops.perCall(op, batch));
            }
            case LANCZOS_STEP -> lanczosStep(new HessianOperator(objective, theta, List.of(data)), rng, lanczosSteps,
                    flops.perCall(Operation.HVP, batch));
            case GEMM -> throw new IllegalArgumentException("bench: gemm takes --shape, not a model");
        };
    }

    /**
     * Step j = {@code steps} of Lanczos (Lanczos's steps 3–7): w ← H q_j, α ← q_jᵀw,
     * w ← w − α q_j − β q_{j−1}, then w ← w − Q_j(Q_jᵀw) against the j stored vectors, and β ← ‖w‖.
     * The stored vectors are j random orthonormal ones rather than those of a run, which would take
     * j HVPs to make: a Gram–Schmidt pass costs the same whatever the vectors, and β_{j−1} is set to
     * q_{j−1}ᵀ H q_j as in a run, so that w keeps little along Q_j and one pass suffices, as in a run.
     * Flops: the HVP's, plus 4jp for the pass (two products with the [j, p] block) and 10p for the
     * recurrence and the norms.
     */
    private static Workload lanczosStep(HessianOperator hessian, SplittableRandom rng, int steps, double hvpFlops) {
        int p = hessian.dim();
        if (steps < 2 || steps > p) {
            throw new IllegalArgumentException("bench: --lanczos-steps must be between 2 and the " + p + " parameters, got " + steps);
        }
        Backend backend = hessian.backend();
        OrthonormalBasis basis = OrthonormalBasis.allocate(backend, hessian.layout(), steps);
        for (int i = 0; i < steps; i++) {
            ParamVector g = ParamVector.gaussian(backend, hessian.layout(), rng);
            basis.append(g, 1 / basis.orthogonalise(g));
        }
        ParamVector q = basis.get(steps - 1), qPrevious = basis.get(steps - 2), w = q.zerosLike();
        double betaPrevious = qPrevious.dot(hessian.apply(q));
        Runnable step = () -> {
            hessian.apply(q, w);                                         // 3
            double alpha = q.dot(w);                                     // 4
            w.axpy(-alpha, q);                                           // 5
            w.axpy(-betaPrevious, qPrevious);
            basis.orthogonalise(w);                                      // 6, 7
        };
        return new Workload(Operation.LANCZOS_STEP, step, hvpFlops + (4.0 * steps + 10) * p);
    }

    /** Inputs of the model's input shape, standard Gaussian, and one-hot targets of uniform classes. */
    private static Batch randomBatch(Backend backend, Sequential model, int batch, SplittableRandom rng) {
        int classes = model.outputShape().size();
        int[] example = model.inputShape().dims();
        int[] dims = new int[example.length + 1];
        dims[0] = batch;
        System.arraycopy(example, 0, dims, 1, example.length);
        float[] x = new float[batch * model.inputShape().size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[] t = new float[batch * classes];
        for (int i = 0; i < batch; i++) t[i * classes + rng.nextInt(classes)] = 1f;
        return new Batch(Tensor.fromHost(backend, Shape.of(dims), x), Tensor.fromHost(backend, Shape.of(batch, classes), t));
    }

    private static Buffer uniform(Backend backend, SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * rng.nextDouble() - 1);
        Buffer b = backend.allocate(n);
        backend.copyIn(x, 0, b);
        return b;
    }
}
