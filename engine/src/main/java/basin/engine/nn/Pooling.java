package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.kernels.Window2d;

/** Shape rules shared by the pooling layers. */
final class Pooling {
    private Pooling() {
    }

    /** [C, outH, outW] for a per-example input [C, H, W]; throws naming the layer. */
    static Shape outputShape(String layer, Shape input, int kernel, int stride, int padding) {
        ShapeException.check(input.rank() == 3, "%s: expects inputs of shape [C, H, W], got %s", layer, input);
        ShapeException.check(input.dim(1) + 2 * padding >= kernel && input.dim(2) + 2 * padding >= kernel,
                "%s: kernel %d does not fit an input %s with padding %d", layer, kernel, input, padding);
        Window2d w = Window2d.square(1, input.dim(0), input.dim(1), input.dim(2), kernel, stride, padding);
        return Shape.of(input.dim(0), w.outH(), w.outW());
    }

    /** The window over a batch [N, C, H, W]. */
    static Window2d window(String layer, Shape batch, int kernel, int stride, int padding) {
        ShapeException.check(batch.rank() == 4, "%s: expects a batch [N, C, H, W], got %s", layer, batch);
        ShapeException.check(batch.dim(2) + 2 * padding >= kernel && batch.dim(3) + 2 * padding >= kernel,
                "%s: kernel %d does not fit a batch %s with padding %d", layer, kernel, batch, padding);
        return Window2d.square(batch.dim(0), batch.dim(1), batch.dim(2), batch.dim(3), kernel, stride, padding);
    }
}
