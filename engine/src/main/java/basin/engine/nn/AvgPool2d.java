package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.kernels.Window2d;

import java.util.List;

/**
 * Average pooling, PyTorch's {@code nn.AvgPool2d(kernel, stride, padding)} with its defaults
 * (stride = kernel, padded zeros counted: every window is divided by k²). Each plane is unfolded
 * as a one-channel image, so y = (1/k²)·Σ_rows im2col(x): linear, built from differentiable ops.
 */
public final class AvgPool2d implements Layer {
    private final int kernel, stride, padding;

    public AvgPool2d(int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("avgpool2d: kernel and stride must be positive and padding at most half the kernel, got kernel="
                    + kernel + ", stride=" + stride + ", padding=" + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public String type() {
        return "avgpool2d";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        return Pooling.outputShape("avgpool2d", input, kernel, stride, padding);
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        Window2d w = Pooling.window("avgpool2d", x.shape(), kernel, stride, padding);
        Window2d planes = w.perPlane();
        int n = w.batch(), c = w.channels(), outH = w.outH(), outW = w.outW();
        Tensor patches = x.reshape(Shape.of(n * c, 1, w.height(), w.width())).im2col(planes);   // [k·k, N·C·P]
        return patches.sumTo(Shape.of(planes.positions()), 1).scale(1f / (kernel * kernel))
                .reshape(Shape.of(n, c, outH, outW));
    }
}
