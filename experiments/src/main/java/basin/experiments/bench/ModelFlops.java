package basin.experiments.bench;

import basin.autodiff.Shape;
import basin.engine.nn.BasicBlock;
import basin.engine.nn.Conv2d;
import basin.engine.nn.Dense;
import basin.engine.nn.Layer;
import basin.engine.nn.Sequential;

/**
 * The floating-point work of a model's linear and convolution layers, counted analytically, for
 * the GFLOP/s that {@code basin bench} prints. A product layer l costs, per example,
 * <pre>
 *   F_l = 2 · in · out                     (linear)
 *   F_l = 2 · out · in · k² · H_out · W_out (convolution, and each convolution inside a BasicBlock)
 * </pre>
 * (a multiply-add is two flops). Each derivative pass repeats a product of the same size: the
 * reverse sweep forms the weight gradient xᵀȳ and the input gradient ȳWᵀ, and a tangent ẋW + xẆ
 * is two products. Where the layer's input is the data, which depends on no parameter, the input
 * gradient and the tangent ẋW are not needed. So, per layer (on the data / elsewhere):
 * <pre>
 *   forward                               1 F  / 1 F
 *   gradient: forward + reverse           2 F  / 3 F
 *   HVP, forward-over-reverse: the forward
 *     and the reverse pass on dual numbers 4 F  / 9 F    (2 + 2 and 3 + 6)
 *   GGN as Basin does it: a JVP (forward
 *     on duals), then a VJP (its own
 *     forward and a reverse sweep)         4 F  / 6 F    (2 + 1 + 1 and 3 + 1 + 2)
 * </pre>
 * An HVP thus does 2–3 gradients' worth of products: about 2 on a network whose first layer
 * dominates (the 784-256-10 MLP), about 3 on a deep one. Reverse-over-reverse (PyTorch's double
 * backward) does products of the same sizes in another order and number; this count is
 * forward-over-reverse's.
 *
 * <p>Not counted: biases, BatchNorm, ReLU, pooling, the loss (element-wise work, a few percent of
 * the flops, bound by memory rather than arithmetic).
 *
 * @param forward per-example forward flops, Σ_l F_l
 * @param onData  the part of {@code forward} done by layers whose input is the data
 */
public record ModelFlops(double forward, double onData) {

    /** The count for {@code model}, walking its layers with the shapes they see. */
    public static ModelFlops of(Sequential model) {
        double forward = 0, onData = 0;
        boolean inputIsData = true;             // until a layer with parameters has run
        Shape shape = model.inputShape();
        for (Layer layer : model.layers()) {
            Shape out = layer.outputShape(shape);
            if (layer instanceof Dense d) {
                double f = 2.0 * d.in() * d.out();
                forward += f;
                if (inputIsData) onData += f;
            } else if (layer instanceof Conv2d c) {
                double f = conv(c.in(), c.out(), c.kernel(), out);
                forward += f;
                if (inputIsData) onData += f;
            } else if (layer instanceof BasicBlock b) {
                // conv1 and the projection read the block's input; conv2 reads bn1's output.
                double first = conv(b.in(), b.out(), 3, out) + (b.projects() ? conv(b.in(), b.out(), 1, out) : 0);
                forward += first + conv(b.out(), b.out(), 3, out);
                if (inputIsData) onData += first;
            }
            if (!layer.parameters().isEmpty()) inputIsData = false;
            shape = out;
        }
        return new ModelFlops(forward, onData);
    }

    /** 2 · out · in · k² · H_out · W_out for an output of shape [out, H_out, W_out]. */
    private static double conv(int in, int out, int kernel, Shape output) {
        return 2.0 * out * in * kernel * kernel * output.dim(1) * output.dim(2);
    }

    /** The flops of one call of {@code op} on a batch of {@code batch} examples (see the table above). */
    public double perCall(Operation op, int batch) {
        double notOnData = forward - onData;
        double perExample = switch (op) {
            case GRAD -> 2 * onData + 3 * notOnData;
            case HVP -> 4 * onData + 9 * notOnData;
            case GGN -> 4 * onData + 6 * notOnData;
            case GEMM, LANCZOS_STEP -> throw new IllegalArgumentException("model flops: " + op + " is not a pass through the model");
        };
        return batch * perExample;
    }
}
