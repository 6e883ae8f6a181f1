package basin.examples;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Batch;
import basin.engine.nn.Dense;
import basin.engine.nn.Layer;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.nn.ParamSpec;
import basin.engine.nn.Relu;
import basin.engine.nn.Sequential;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.Lanczos;
import basin.kernels.Backend;
import basin.kernels.cpu.CpuBackend;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A model of your own: a layer Basin does not have, written as a pure function of its input and its
 * parameters with differentiable tensor ops, so gradients and HVPs come with it and no derivative is
 * written by hand. Here a learnable per-feature scale, y = x ⊙ s, between two linear layers; then
 * Lanczos finds the top of its Hessian.
 */
public final class CustomModel {
    private CustomModel() {
    }

    /** y = x ⊙ s with s a learnable vector of the features' length, initialised to ones. */
    static final class Scale implements Layer {
        private final int features;

        Scale(int features) {
            this.features = features;
        }

        @Override
        public String type() {
            return "scale";
        }

        @Override
        public List<ParamSpec> parameters() {
            return List.of(ParamSpec.constant("weight", Shape.of(features), 1));
        }

        @Override
        public Shape outputShape(Shape input) {
            ShapeException.check(input.rank() == 1 && input.dim(0) == features, "scale(%d): expects inputs of shape [%d], got %s", features, features, input);
            return input;
        }

        @Override
        public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
            return x.mulBroadcast(params[0], 1);                          // broadcast s over the batch axis
        }
    }

    public static void main(String[] args) {
        Backend cpu = CpuBackend.get();
        SplittableRandom rng = new SplittableRandom(1);
        Sequential model = new Sequential(Shape.of(6), List.of(new Dense(6, 8), new Relu(), new Scale(8), new Dense(8, 3)));
        ParamVector theta = model.initialParameters(cpu, 1);
        Batch batch = FirstHvp.randomBatch(cpu, rng, 32, 6, 3);
        HessianOperator h = new HessianOperator(new Objective(model, Mode.EVAL), theta, List.of(batch));

        Lanczos.Result top = Lanczos.run(h, 20, rng, null);               // 20 HVPs
        System.out.printf(Locale.ROOT, "model             %s%n", model);
        System.out.printf(Locale.ROOT, "parameters        %s%n", theta.layout());
        System.out.printf(Locale.ROOT, "lambda_max        %.6f   (residual %.1e)%n", top.ritzValues()[0], top.residual(h, 0));
        System.out.printf(Locale.ROOT, "hvp count         %d%n", h.hvpCount());
    }
}
