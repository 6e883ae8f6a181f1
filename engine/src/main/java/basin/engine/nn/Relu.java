package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;

import java.util.List;

/** The rectifier max(x, 0), PyTorch's {@code nn.ReLU}. No parameters. */
public final class Relu implements Layer {
    @Override
    public String type() {
        return "relu";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        return x.relu();
    }
}
