package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;

import java.util.List;

/**
 * A fully connected layer, PyTorch's {@code nn.Linear}: y = x Wᵀ + b, with W of shape [out, in]
 * and b of shape [out]. Initialised as PyTorch does, W and b ~ U(−1/√in, 1/√in).
 */
public final class Dense implements Layer {
    private final int in, out;

    public Dense(int in, int out) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("linear: sizes must be positive, got in=" + in + ", out=" + out);
        this.in = in;
        this.out = out;
    }

    @Override
    public String type() {
        return "linear";
    }

    @Override
    public List<ParamSpec> parameters() {
        double bound = 1 / Math.sqrt(in);
        return List.of(new ParamSpec("weight", Shape.of(out, in), bound), new ParamSpec("bias", Shape.of(out), bound));
    }

    @Override
    public Shape outputShape(Shape input) {
        ShapeException.check(input.rank() == 1 && input.dim(0) == in,
                "linear(%d→%d): expects inputs of shape [%d], got %s (add a flatten layer before it?)", in, out, in, input);
        return Shape.of(out);
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        return x.matmulNT(params[0]).addBroadcast(params[1], 1);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}
