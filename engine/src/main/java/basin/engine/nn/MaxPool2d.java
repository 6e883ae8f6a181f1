package basin.engine.nn;

import basin.autodiff.Tensor;

/**
 * Max pooling, PyTorch's {@code nn.MaxPool2d(kernel, stride, padding)} (stride defaults to the
 * kernel): each output is the largest input in its window, padding never winning. The argmax is
 * kept from the forward pass, so gradients and tangents flow to the same elements.
 */
public final class MaxPool2d extends Pool2d {
    public MaxPool2d(int kernel, int stride, int padding) {
        super(kernel, stride, padding);
    }

    @Override
    public String type() {
        return "maxpool2d";
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        return x.maxPool2d(window(x.shape()));
    }
}
