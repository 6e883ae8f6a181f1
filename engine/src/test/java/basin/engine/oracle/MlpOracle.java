package basin.engine.oracle;

/**
 * An independent float64 reference for an MLP with mean cross-entropy, written with plain loops and
 * sharing no code with Basin: Flatten, then Linear(d₀→d₁), ReLU, …, Linear(d_{L−1}→d_L).
 * Parameters are packed as Basin (and PyTorch's state_dict) pack them: W₁ [d₁, d₀], b₁ [d₁], W₂, b₂, …
 *
 * <p>It offers the loss, an analytic gradient by hand-written backpropagation, central differences
 * of the loss (for checking that gradient), second differences for Hessian entries, and the central
 * difference of the analytic gradient along a direction (for checking Hv).
 */
public final class MlpOracle {
    private final int[] widths;     // d₀ … d_L
    private final double[] x;       // [B, d₀]
    private final int[] labels;     // [B]
    private final int batch;

    public MlpOracle(int[] widths, float[] inputs, int[] labels) {
        this.widths = widths.clone();
        this.batch = labels.length;
        this.x = new double[inputs.length];
        for (int i = 0; i < inputs.length; i++) x[i] = inputs[i];
        this.labels = labels.clone();
        if (inputs.length != batch * widths[0]) throw new IllegalArgumentException("oracle: inputs do not match [B, d0]");
    }

    /** Number of parameters p. */
    public int parameterCount() {
        int p = 0;
        for (int l = 1; l < widths.length; l++) p += widths[l] * widths[l - 1] + widths[l];
        return p;
    }

    /** L(θ) = (1/B) Σ_b [log Σ_c exp(z_bc) − z_b,y_b], z the last layer's output. */
    public double loss(double[] theta) {
        double[][] z = new double[widths.length][];
        forward(theta, z);
        return crossEntropy(z[widths.length - 1], null);
    }

    /** ∇L(θ) by backpropagation in float64. */
    public double[] gradient(double[] theta) {
        int depth = widths.length - 1;
        double[][] a = new double[depth + 1][];        // a[l] = activation entering layer l+1 (a[0] = x)
        forward(theta, a);
        double[] g = new double[theta.length];
        double[] delta = new double[batch * widths[depth]];
        crossEntropy(a[depth], delta);                 // δ_L = (softmax − onehot)/B
        int offset = theta.length;
        for (int l = depth; l >= 1; l--) {
            int in = widths[l - 1], out = widths[l];
            offset -= out * in + out;
            int wOff = offset, bOff = offset + out * in;
            double[] input = l == 1 ? x : relu(a[l - 1]);
            for (int b = 0; b < batch; b++) {
                for (int o = 0; o < out; o++) {
                    double d = delta[b * out + o];
                    g[bOff + o] += d;
                    for (int i = 0; i < in; i++) g[wOff + o * in + i] += d * input[b * in + i];
                }
            }
            if (l > 1) {
                double[] prev = new double[batch * in];
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < in; i++) {
                        double s = 0;
                        for (int o = 0; o < out; o++) s += delta[b * out + o] * theta[wOff + o * in + i];
                        prev[b * in + i] = a[l - 1][b * in + i] > 0 ? s : 0;   // ReLU' of the pre-activation
                    }
                }
                delta = prev;
            }
        }
        return g;
    }

    /** ∂L/∂θᵢ by central differences, h ≈ ε^(1/3): truncation O(h²) balances rounding O(ε/h). */
    public double[] centralDifferenceGradient(double[] theta, double h) {
        double[] g = new double[theta.length];
        double[] t = theta.clone();
        for (int i = 0; i < theta.length; i++) {
            t[i] = theta[i] + h;
            double plus = loss(t);
            t[i] = theta[i] - h;
            double minus = loss(t);
            t[i] = theta[i];
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /** H_ij by the four-point second difference, h ≈ ε^(1/4): truncation O(h²) balances rounding O(ε/h²). */
    public double hessianEntry(double[] theta, int i, int j, double h) {
        double[] t = theta.clone();
        double s = 0;
        for (int si = -1; si <= 1; si += 2) {
            for (int sj = -1; sj <= 1; sj += 2) {
                t[i] = theta[i];
                t[j] = theta[j];
                t[i] += si * h;
                t[j] += sj * h;
                s += si * sj * loss(t);
            }
        }
        return s / (4 * h * h);
    }

    /** (∇L(θ + hv) − ∇L(θ − hv)) / 2h, the central difference of the analytic gradient along v. */
    public double[] gradientDifference(double[] theta, double[] v, double h) {
        double[] gp = gradient(shifted(theta, v, h)), gm = gradient(shifted(theta, v, -h));
        double[] d = new double[theta.length];
        for (int i = 0; i < d.length; i++) d[i] = (gp[i] - gm[i]) / (2 * h);
        return d;
    }

    /** Fills out[l] with the pre-activation of layer l (out[0] = x); returns nothing else. */
    /**
     * The smallest |pre-activation| of any hidden ReLU over the batch. Finite differences are only
     * valid while no pre-activation changes sign inside the stencil: across a kink the loss has no
     * second derivative, and a second difference there measures the jump in slope divided by h.
     */
    public double smallestHiddenPreactivation(double[] theta) {
        double[][] z = new double[widths.length][];
        forward(theta, z);
        double smallest = Double.POSITIVE_INFINITY;
        for (int l = 1; l < widths.length - 1; l++) for (double v : z[l]) smallest = Math.min(smallest, Math.abs(v));
        return smallest;
    }

    /**
     * Whether every hidden ReLU has the same side (pre-activation above 0 or not) at θ + hv as at
     * θ − hv: then the loss is smooth on the stencil of {@link #gradientDifference}, and the
     * difference measures curvature rather than a jump in slope.
     */
    public boolean sameReluPattern(double[] theta, double[] v, double h) {
        double[][] za = new double[widths.length][], zb = new double[widths.length][];
        forward(shifted(theta, v, h), za);
        forward(shifted(theta, v, -h), zb);
        for (int l = 1; l < widths.length - 1; l++) {
            for (int i = 0; i < za[l].length; i++) if (za[l][i] > 0 != zb[l][i] > 0) return false;
        }
        return true;
    }

    /** θ + t·v. */
    private static double[] shifted(double[] theta, double[] v, double t) {
        double[] out = theta.clone();
        for (int i = 0; i < out.length; i++) out[i] += t * v[i];
        return out;
    }

    private void forward(double[] theta, double[][] out) {
        out[0] = x;
        int offset = 0;
        double[] h = x;
        for (int l = 1; l < widths.length; l++) {
            int in = widths[l - 1], o = widths[l];
            double[] z = new double[batch * o];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < o; j++) {
                    double s = theta[offset + o * in + j];                       // bias
                    for (int i = 0; i < in; i++) s += h[b * in + i] * theta[offset + j * in + i];
                    z[b * o + j] = s;
                }
            }
            offset += o * in + o;
            out[l] = z;
            h = relu(z);
        }
    }

    private static double[] relu(double[] z) {
        double[] r = new double[z.length];
        for (int i = 0; i < z.length; i++) r[i] = Math.max(z[i], 0);
        return r;
    }

    /** Mean cross-entropy of logits z [B, C]; when delta is non-null, fills ∂L/∂z = (softmax − onehot)/B. */
    private double crossEntropy(double[] z, double[] delta) {
        int c = widths[widths.length - 1];
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, z[b * c + k]);
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(z[b * c + k] - max);
            double logZ = max + Math.log(sum);
            total += logZ - z[b * c + labels[b]];
            if (delta != null) {
                for (int k = 0; k < c; k++) {
                    delta[b * c + k] = (Math.exp(z[b * c + k] - logZ) - (k == labels[b] ? 1 : 0)) / batch;
                }
            }
        }
        return total / batch;
    }
}
