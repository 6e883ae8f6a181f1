package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;

import java.util.List;

/** [B, d₁, d₂, …] → [B, d₁·d₂·…], PyTorch's {@code nn.Flatten}. A view: no data moves. */
public final class Flatten implements Layer {
    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        return Shape.of(input.size());
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        return x.flatten();
    }
}
