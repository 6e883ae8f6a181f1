package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.kernels.Window2d;

import java.util.List;

/**
 * Max pooling, PyTorch's {@code nn.MaxPool2d(kernel, stride, padding)} (stride defaults to the
 * kernel): each output is the largest input in its window, padding never winning. The argmax is
 * kept from the forward pass, so gradients and tangents flow to the same elements.
 */
public final class MaxPool2d implements Layer {
    private final int kernel, stride, padding;

    public MaxPool2d(int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("maxpool2d: kernel and stride must be positive and padding at most half the kernel, got kernel="
                    + kernel + ", stride=" + stride + ", padding=" + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public String type() {
        return "maxpool2d";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public Shape outputShape(Shape input) {
        return Pooling.outputShape("maxpool2d", input, kernel, stride, padding);
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        return x.maxPool2d(Pooling.window("maxpool2d", x.shape(), kernel, stride, padding));
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }
}
