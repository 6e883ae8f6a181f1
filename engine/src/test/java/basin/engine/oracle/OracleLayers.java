package basin.engine.oracle;

import basin.engine.oracle.NetOracle.Act;
import basin.engine.oracle.NetOracle.Node;
import basin.engine.oracle.NetOracle.Pattern;

/**
 * The layers of {@link NetOracle}, each a direct transcription of its PyTorch definition into
 * float64 loops over NCHW arrays (no im2col, no GEMM, no shared code with Basin).
 */
public final class OracleLayers {
    private OracleLayers() {
    }

    /** y[n,o,i,j] = b[o] + Σ_{c,ki,kj} W[o,c,ki,kj] · x[n, c, i·s − p + ki, j·s − p + kj] (zero outside). */
    public static Node conv(int in, int out, int k, int stride, int pad, boolean bias) {
        return new Node() {
            public int parameterCount() {
                return out * in * k * k + (bias ? out : 0);
            }

            public Act forward(Act x, double[] t, int off, Pattern pattern) {
                int n = x.dims()[0], h = x.dims()[2], w = x.dims()[3];
                if (x.dims()[1] != in) throw new IllegalArgumentException("oracle conv: channels " + x.dims()[1] + " ≠ " + in);
                int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
                double[] y = new double[n * out * oh * ow];
                int bOff = off + out * in * k * k;
                for (int b = 0; b < n; b++)
                    for (int o = 0; o < out; o++)
                        for (int i = 0; i < oh; i++)
                            for (int j = 0; j < ow; j++) {
                                double s = bias ? t[bOff + o] : 0;
                                for (int c = 0; c < in; c++)
                                    for (int ki = 0; ki < k; ki++)
                                        for (int kj = 0; kj < k; kj++) {
                                            int r = i * stride - pad + ki, q = j * stride - pad + kj;
                                            if (r < 0 || r >= h || q < 0 || q >= w) continue;
                                            s += t[off + ((o * in + c) * k + ki) * k + kj] * x.v()[((b * in + c) * h + r) * w + q];
                                        }
                                y[((b * out + o) * oh + i) * ow + j] = s;
                            }
                return new Act(y, new int[] {n, out, oh, ow});
            }
        };
    }

    /** y = x Wᵀ + b with W [out, in]. */
    public static Node linear(int in, int out) {
        return new Node() {
            public int parameterCount() {
                return out * in + out;
            }

            public Act forward(Act x, double[] t, int off, Pattern pattern) {
                int n = x.dims()[0];
                double[] y = new double[n * out];
                for (int b = 0; b < n; b++)
                    for (int o = 0; o < out; o++) {
                        double s = t[off + out * in + o];
                        for (int i = 0; i < in; i++) s += t[off + o * in + i] * x.v()[b * in + i];
                        y[b * out + o] = s;
                    }
                return new Act(y, new int[] {n, out});
            }
        };
    }

    public static Node flatten() {
        return parameterless((x, pattern) -> new Act(x.v(), new int[] {x.dims()[0], x.size(1)}));
    }

    /** max(x, 0), its sign pattern recorded at θ and frozen for the differences. */
    public static Node relu() {
        return parameterless((x, pattern) -> {
            boolean[] on = pattern.mask(x.v());
            double[] y = new double[x.v().length];
            for (int i = 0; i < y.length; i++) y[i] = on[i] ? x.v()[i] : 0;
            return new Act(y, x.dims());
        });
    }

    /** Window maxima, padding excluded, first maximum winning; the argmax is recorded at θ and frozen. */
    public static Node maxPool(int k, int stride, int pad) {
        return parameterless((x, pattern) -> {
            int planes = x.dims()[0] * x.dims()[1], h = x.dims()[2], w = x.dims()[3];
            int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
            int[] at = new int[planes * oh * ow];
            for (int p = 0; p < planes; p++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double best = Double.NEGATIVE_INFINITY;
                        int arg = -1;
                        for (int r = i * stride - pad; r < i * stride - pad + k; r++)
                            for (int q = j * stride - pad; q < j * stride - pad + k; q++) {
                                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                                double v = x.v()[p * h * w + r * w + q];
                                if (arg < 0 || v > best) {
                                    best = v;
                                    arg = p * h * w + r * w + q;
                                }
                            }
                        at[(p * oh + i) * ow + j] = arg;
                    }
            at = pattern.argmax(at);
            double[] y = new double[at.length];
            for (int i = 0; i < y.length; i++) y[i] = x.v()[at[i]];
            return new Act(y, new int[] {x.dims()[0], x.dims()[1], oh, ow});
        });
    }

    /** Window means with padded zeros counted (PyTorch's count_include_pad=True). */
    public static Node avgPool(int k, int stride, int pad) {
        return parameterless((x, pattern) -> {
            int planes = x.dims()[0] * x.dims()[1], h = x.dims()[2], w = x.dims()[3];
            int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
            double[] y = new double[planes * oh * ow];
            for (int p = 0; p < planes; p++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double s = 0;
                        for (int r = i * stride - pad; r < i * stride - pad + k; r++)
                            for (int q = j * stride - pad; q < j * stride - pad + k; q++)
                                if (r >= 0 && r < h && q >= 0 && q < w) s += x.v()[p * h * w + r * w + q];
                        y[(p * oh + i) * ow + j] = s / (k * k);
                    }
            return new Act(y, new int[] {x.dims()[0], x.dims()[1], oh, ow});
        });
    }

    /** Mean over H and W: [N, C, H, W] → [N, C, 1, 1]. */
    public static Node globalAvgPool() {
        return parameterless((x, pattern) -> {
            int planes = x.dims()[0] * x.dims()[1], hw = x.size(2);
            double[] y = new double[planes];
            for (int p = 0; p < planes; p++) {
                double s = 0;
                for (int i = 0; i < hw; i++) s += x.v()[p * hw + i];
                y[p] = s / hw;
            }
            return new Act(y, new int[] {x.dims()[0], x.dims()[1], 1, 1});
        });
    }

    /**
     * BatchNorm over [N, C, …]: y = γ (x − μ)/√(σ² + ε) + β. In train mode μ, σ² are the batch mean
     * and biased variance over N and the spatial axes (so they depend on θ through x); in eval
     * mode they are the given running statistics.
     */
    public static Node batchNorm(int channels, double eps, boolean train, double[] runningMean, double[] runningVar) {
        return new Node() {
            public int parameterCount() {
                return 2 * channels;
            }

            public Act forward(Act x, double[] t, int off, Pattern pattern) {
                int n = x.dims()[0], inner = x.size(2);
                double[] y = new double[x.v().length];
                for (int c = 0; c < channels; c++) {
                    double mean = 0, var = 0;
                    if (train) {
                        for (int b = 0; b < n; b++) for (int i = 0; i < inner; i++) mean += x.v()[(b * channels + c) * inner + i];
                        mean /= n * inner;
                        for (int b = 0; b < n; b++)
                            for (int i = 0; i < inner; i++) {
                                double d = x.v()[(b * channels + c) * inner + i] - mean;
                                var += d * d;
                            }
                        var /= n * inner;
                    } else {
                        mean = runningMean[c];
                        var = runningVar[c];
                    }
                    double scale = t[off + c] / Math.sqrt(var + eps), shift = t[off + channels + c];
                    for (int b = 0; b < n; b++)
                        for (int i = 0; i < inner; i++) {
                            int e = (b * channels + c) * inner + i;
                            y[e] = (x.v()[e] - mean) * scale + shift;
                        }
                }
                return new Act(y, x.dims());
            }
        };
    }

    /** y = x ⊙ mask for a fixed mask (values 0 or 1/(1−p)). */
    public static Node dropout(float[] mask) {
        return parameterless((x, pattern) -> {
            double[] y = new double[x.v().length];
            for (int i = 0; i < y.length; i++) y[i] = x.v()[i] * mask[i];
            return new Act(y, x.dims());
        });
    }

    /**
     * torchvision's BasicBlock: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), 3×3 convolutions
     * without bias, the first with the block's stride; the shortcut is the identity, or a 1×1
     * convolution with that stride and a BatchNorm when the stride or the width changes.
     * BatchNorms in eval mode use running statistics 0 and 1.
     */
    public static Node basicBlock(int in, int out, int stride, boolean train, double eps) {
        boolean project = stride != 1 || in != out;
        double[] zeros = new double[out], ones = new double[out];
        java.util.Arrays.fill(ones, 1);
        Node conv1 = conv(in, out, 3, stride, 1, false), bn1 = batchNorm(out, eps, train, zeros, ones);
        Node conv2 = conv(out, out, 3, 1, 1, false), bn2 = batchNorm(out, eps, train, zeros, ones);
        Node down = conv(in, out, 1, stride, 0, false), downBn = batchNorm(out, eps, train, zeros, ones);
        Node relu1 = relu(), relu2 = relu();
        Node[] main = {conv1, bn1, relu1, conv2, bn2};
        return new Node() {
            public int parameterCount() {
                int p = 0;
                for (Node m : main) p += m.parameterCount();
                return p + (project ? down.parameterCount() + downBn.parameterCount() : 0);
            }

            public Act forward(Act x, double[] t, int off, Pattern pattern) {
                Act a = x;
                int o = off;
                for (Node m : main) {
                    a = m.forward(a, t, o, pattern);
                    o += m.parameterCount();
                }
                Act s = x;
                if (project) {
                    s = down.forward(x, t, o, pattern);
                    s = downBn.forward(s, t, o + down.parameterCount(), pattern);
                }
                double[] sum = new double[a.v().length];
                for (int i = 0; i < sum.length; i++) sum[i] = a.v()[i] + s.v()[i];
                return relu2.forward(new Act(sum, a.dims()), t, o, pattern);
            }
        };
    }

    private interface Pure {
        Act apply(Act x, Pattern pattern);
    }

    private static Node parameterless(Pure f) {
        return new Node() {
            public int parameterCount() {
                return 0;
            }

            public Act forward(Act x, double[] t, int off, Pattern pattern) {
                return f.apply(x, pattern);
            }
        };
    }
}
