package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.Tensor;
import basin.kernels.Window2d;

/**
 * Average pooling, PyTorch's {@code nn.AvgPool2d(kernel, stride, padding)} with its defaults
 * (stride = kernel, padded zeros counted: every window is divided by k²). Each plane is unfolded
 * as a one-channel image, so y = (1/k²)·Σ_rows im2col(x): linear, built from differentiable ops.
 */
public final class AvgPool2d extends Pool2d {
    public AvgPool2d(int kernel, int stride, int padding) {
        super(kernel, stride, padding);
    }

    @Override
    public String type() {
        return "avgpool2d";
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        Window2d w = window(x.shape());
        Window2d planes = w.perPlane();
        int n = w.batch(), c = w.channels();
        Tensor patches = x.reshape(Shape.of(n * c, 1, w.height(), w.width())).im2col(planes);   // [k·k, N·C·P]
        return patches.sumTo(Shape.of(planes.positions()), 1).scale(1f / (kernel() * kernel()))
                .reshape(Shape.of(n, c, w.outH(), w.outW()));
    }
}
