package basin.examples;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Mlp;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.Sequential;
import basin.engine.probe.curvature.HessianOperator;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A first Hessian-vector product: H v for a small MLP's mean cross-entropy on a random batch, checked
 * against the central difference of gradients (∇L(θ + h v) − ∇L(θ − h v)) / 2h, which needs no
 * second derivative at all. Run: {@code java -cp … basin.examples.FirstHvp}.
 */
public final class FirstHvp {
    private FirstHvp() {
    }

    public static void main(String[] args) {
        Backend cpu = CpuBackend.get();
        SplittableRandom rng = new SplittableRandom(0);
        Sequential model = Mlp.of(Shape.of(5), 4, 3);                      // Linear(5→4), ReLU, Linear(4→3): 39 parameters
        ParamVector theta = model.initialParameters(cpu, 0);              // PyTorch's default init, seeded
        Batch batch = randomBatch(cpu, rng, 16, 5, 3);
        Objective loss = new Objective(model, Mode.EVAL);                  // mean cross-entropy

        HessianOperator h = new HessianOperator(loss, theta, List.of(batch));
        ParamVector v = ParamVector.gaussian(cpu, theta.layout(), rng);
        v.scal(1 / v.norm());                                              // unit length, so the step below is its length in θ
        ParamVector hv = h.apply(v);                                       // one forward-over-reverse pass

        // Small enough that no ReLU input crosses zero between θ − hv and θ + hv (a kink would break the
        // difference, not the HVP), large enough that float32 rounding of the gradients, u‖∇L‖/h, stays small.
        double step = 1e-4;
        ParamVector plus = theta.copy(), minus = theta.copy();
        plus.axpy(step, v);
        minus.axpy(-step, v);
        ParamVector gPlus = theta.zerosLike(), gMinus = theta.zerosLike();
        loss.gradient(plus, batch, gPlus);
        loss.gradient(minus, batch, gMinus);
        ParamVector difference = gPlus.copy();
        difference.axpy(-1, gMinus);
        difference.scal(1 / (2 * step));

        ParamVector error = hv.copy();
        error.axpy(-1, difference);
        System.out.printf(Locale.ROOT, "parameters        %d%n", theta.dim());
        System.out.printf(Locale.ROOT, "vᵀHv              %.6f%n", v.dot(hv));
        System.out.printf(Locale.ROOT, "‖Hv‖              %.6f%n", hv.norm());
        System.out.printf(Locale.ROOT, "relative error    %.2e   (‖Hv − difference‖ / ‖Hv‖)%n", error.norm() / hv.norm());
    }

    /** Inputs uniform in [0, 1), labels uniform over the classes, as one-hot rows. */
    static Batch randomBatch(Backend backend, SplittableRandom rng, int n, int features, int classes) {
        float[] x = new float[n * features];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
        float[] oneHot = new float[n * classes];
        for (int b = 0; b < n; b++) oneHot[b * classes + rng.nextInt(classes)] = 1f;
        return new Batch(Tensor.fromHost(backend, Shape.of(n, features), x), Tensor.fromHost(backend, Shape.of(n, classes), oneHot));
    }
}
