package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.kernels.Window2d;

import java.util.List;

/**
 * What the 2-D pooling layers share: a square window of {@code kernel} moved by {@code stride} over
 * the input padded by {@code padding} (at most half the kernel, as PyTorch requires), no parameters,
 * and the output shape [C, outH, outW] of {@link Window2d}.
 */
abstract class Pool2d implements Layer {
    private final int kernel, stride, padding;

    Pool2d(int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(type() + ": kernel and stride must be positive and padding at most half the kernel, got kernel="
                    + kernel + ", stride=" + stride + ", padding=" + padding);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public final List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public final Shape outputShape(Shape input) {
        ShapeException.check(input.rank() == 3, "%s: expects inputs of shape [C, H, W], got %s", type(), input);
        ShapeException.check(input.dim(1) + 2 * padding >= kernel && input.dim(2) + 2 * padding >= kernel,
                "%s: kernel %d does not fit an input %s with padding %d", type(), kernel, input, padding);
        Window2d w = Window2d.square(1, input.dim(0), input.dim(1), input.dim(2), kernel, stride, padding);
        return Shape.of(input.dim(0), w.outH(), w.outW());
    }

    /** The window over a batch [N, C, H, W]. */
    final Window2d window(Shape batch) {
        ShapeException.check(batch.rank() == 4, "%s: expects a batch [N, C, H, W], got %s", type(), batch);
        ShapeException.check(batch.dim(2) + 2 * padding >= kernel && batch.dim(3) + 2 * padding >= kernel,
                "%s: kernel %d does not fit a batch %s with padding %d", type(), kernel, batch, padding);
        return Window2d.square(batch.dim(0), batch.dim(1), batch.dim(2), batch.dim(3), kernel, stride, padding);
    }

    public final int kernel() {
        return kernel;
    }

    public final int stride() {
        return stride;
    }

    public final int padding() {
        return padding;
    }
}
