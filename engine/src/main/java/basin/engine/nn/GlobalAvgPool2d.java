package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;

import java.util.List;

/**
 * Global average pooling, PyTorch's {@code nn.AdaptiveAvgPool2d(1)}: [N, C, H, W] → [N, C, 1, 1],
 * y[n, c] = (1/HW) Σ_{h,w} x[n, c, h, w]. A sum over the last axis of [N·C, H·W], then a scale.
 */
public final class GlobalAvgPool2d implements Layer {
    @Override
    public String type() {
        return "adaptiveavgpool2d";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        ShapeException.check(input.rank() == 3, "adaptiveavgpool2d: expects inputs of shape [C, H, W], got %s", input);
        return Shape.of(input.dim(0), 1, 1);
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        Shape s = x.shape();
        ShapeException.check(s.rank() == 4, "adaptiveavgpool2d: expects a batch [N, C, H, W], got %s", s);
        int n = s.dim(0), c = s.dim(1), hw = s.dim(2) * s.dim(3);
        return x.reshape(Shape.of(n * c, hw)).sumTo(Shape.of(n * c), 0).scale(1f / hw).reshape(Shape.of(n, c, 1, 1));
    }
}
