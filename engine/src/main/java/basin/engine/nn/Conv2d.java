package basin.engine.nn;

import basin.autodiff.Shape;
import basin.autodiff.ShapeException;
import basin.autodiff.Tensor;
import basin.autodiff.ops.Convolution;
import basin.kernels.Window2d;

import java.util.List;

/**
 * A 2-D convolution, PyTorch's {@code nn.Conv2d} (square kernel, no dilation, no groups), on NCHW
 * batches: y[n, o] = b[o] + Σ_c W[o, c] ⋆ x[n, c], with W of shape [out, in, k, k] and b of shape
 * [out]. Computed as im2col and GEMM (Chellapilla, Puri &amp; Simard 2006) by the op
 * {@link Convolution}, chunk by chunk of the batch:
 * <pre>
 *   U = im2col(x)                 [in·k·k, N·outH·outW]
 *   Y = W_[out, in·k·k] · U       [out, N·outH·outW], transposed to [N, out, outH, outW]
 *   y = Y + b
 * </pre>
 * The weight gradient (Ȳ Uᵀ), the input gradient (col2im(Wᵀ Ȳ)) and their tangents under an HVP
 * are that op's own bilinear rules. Initialised as PyTorch does: W and b ~ U(−1/√fan_in, 1/√fan_in)
 * with fan_in = in·k·k.
 */
public final class Conv2d implements Layer {
    private final int in, out, kernel, stride, padding;
    private final boolean bias;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("conv2d: in, out, kernel and stride must be positive and padding non-negative, got in="
                    + in + ", out=" + out + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding);
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.bias = bias;
    }

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    public List<ParamSpec> parameters() {
        double bound = 1 / Math.sqrt(in * kernel * kernel);
        ParamSpec w = new ParamSpec("weight", Shape.of(out, in, kernel, kernel), bound);
        return bias ? List.of(w, new ParamSpec("bias", Shape.of(out), bound)) : List.of(w);
    }

    @Override
    public Shape outputShape(Shape input) {
        ShapeException.check(input.rank() == 3 && input.dim(0) == in,
                "conv2d(%d→%d, kernel %d): expects inputs of shape [%d, H, W], got %s", in, out, kernel, in, input);
        ShapeException.check(input.dim(1) + 2 * padding >= kernel && input.dim(2) + 2 * padding >= kernel,
                "conv2d(%d→%d): kernel %d does not fit an input %s with padding %d", in, out, kernel, input, padding);
        Window2d w = window(1, input);
        return Shape.of(out, w.outH(), w.outW());
    }

    @Override
    public Tensor forward(Tensor x, Tensor[] params, Mode mode) {
        Shape s = x.shape();
        ShapeException.check(s.rank() == 4 && s.dim(1) == in,
                "conv2d(%d→%d): expects a batch [N, %d, H, W], got %s", in, out, in, s);
        int batch = s.dim(0);
        Window2d w = window(batch, Shape.of(s.dim(1), s.dim(2), s.dim(3)));
        Tensor y = Convolution.conv(w, out).apply(x, params[0]);
        return bias ? y.addBroadcast(params[1], 1) : y;
    }

    private Window2d window(int batch, Shape input) {
        return Window2d.square(batch, in, input.dim(1), input.dim(2), kernel, stride, padding);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
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

    public boolean hasBias() {
        return bias;
    }
}
