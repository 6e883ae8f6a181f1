package basin.engine.oracle;

import java.util.ArrayList;
import java.util.List;

/**
 * An independent float64 reference for convolutional networks with mean cross-entropy, written
 * with plain loops and sharing no code with Basin. A network is a list of {@link Node}s applied in
 * order to an NCHW (or [N, F]) batch; parameters are packed in the order Basin and PyTorch's
 * {@code state_dict} use (per layer: weight, then bias; a residual block: conv1, bn1, conv2, bn2,
 * downsample.0, downsample.1).
 *
 * <p>Derivatives are finite differences of the float64 loss. ReLU and max pooling are only
 * piecewise smooth, and a difference step that crosses a kink would ruin the quotient, so the
 * oracle first records the activation pattern at θ (every ReLU's sign, every pooling window's
 * argmax) and differentiates the function with that pattern frozen: the smooth piece that contains
 * θ, whose derivatives at θ are the network's derivatives wherever they exist. A ReLU input
 * within float32 rounding of zero may fall on the other side in Basin; {@link #nearKinks} and
 * {@link #choosePiece} let a test compare with each adjacent piece.
 */
public final class NetOracle {

    /** Activations: values and dimensions, batch first. */
    public record Act(double[] v, int[] dims) {
        int size(int from) {
            int s = 1;
            for (int i = from; i < dims.length; i++) s *= dims[i];
            return s;
        }
    }

    /**
     * The per-pass record of kinks: ReLU masks and max-pool argmaxes, in the order they occur, and
     * the ReLU inputs so close to zero (within {@link #NEAR_KINK} of their layer's RMS) that float32
     * rounding in Basin may give them the other sign.
     */
    static final class Pattern {
        final List<Object> entries = new ArrayList<>();
        final List<double[]> nearKinks = new ArrayList<>();     // {entry, element, |z|/rms}
        double[] theta;
        boolean frozen;
        int next, flips;

        boolean[] mask(double[] z) {
            if (frozen) return (boolean[]) entries.get(next++);
            boolean[] m = new boolean[z.length];
            double ms = 0;
            for (double zi : z) ms += zi * zi;
            double rms = Math.sqrt(ms / Math.max(1, z.length));
            for (int i = 0; i < z.length; i++) {
                m[i] = z[i] > 0;
                if (Math.abs(z[i]) < NEAR_KINK * rms) nearKinks.add(new double[] {entries.size(), i, Math.abs(z[i]) / rms});
            }
            entries.add(m);
            return m;
        }

        /** Flips the signs of the near-kink units whose bits differ between {@code want} and the current flips. */
        void flip(int want) {
            for (int b = 0; b < nearKinks.size(); b++) {
                if (((want ^ flips) >> b & 1) == 0) continue;
                boolean[] m = (boolean[]) entries.get((int) nearKinks.get(b)[0]);
                int i = (int) nearKinks.get(b)[1];
                m[i] = !m[i];
            }
            flips = want;
        }

        int[] argmax(int[] computed) {
            if (frozen) return (int[]) entries.get(next++);
            entries.add(computed);
            return computed;
        }
    }

    /** One layer of the reference network. */
    public interface Node {
        int parameterCount();

        Act forward(Act x, double[] theta, int offset, Pattern pattern);
    }

    /** ReLU inputs within this fraction of their layer's RMS count as near a kink. */
    public static final double NEAR_KINK = 1e-5;

    /** At most this many near-kink units are offered for flipping (the closest ones), 2⁶ patterns. */
    public static final int MAX_FLIPPABLE = 6;

    private final List<Node> nodes;
    private final Act input;
    private final int[] labels;
    private Pattern pattern;

    public NetOracle(List<Node> nodes, float[] inputs, int[] inputDims, int[] labels) {
        this.nodes = List.copyOf(nodes);
        double[] x = new double[inputs.length];
        for (int i = 0; i < x.length; i++) x[i] = inputs[i];
        this.input = new Act(x, inputDims.clone());
        this.labels = labels.clone();
    }

    public int parameterCount() {
        int p = 0;
        for (Node n : nodes) p += n.parameterCount();
        return p;
    }

    /** The logits at θ, recording θ's activation pattern for the derivatives that follow. */
    public Act logits(double[] theta) {
        pattern = new Pattern();
        return run(theta);
    }

    /** L(θ) (recording θ's activation pattern). */
    public double loss(double[] theta) {
        return crossEntropy(logits(theta));
    }

    /** Records θ's activation pattern unless it is already recorded for this θ (keeping any flips). */
    private void prepare(double[] theta) {
        if (pattern != null && java.util.Arrays.equals(pattern.theta, theta)) return;
        loss(theta);
        pattern.theta = theta.clone();
        pattern.nearKinks.sort(java.util.Comparator.comparingDouble(k -> k[2]));
        while (pattern.nearKinks.size() > MAX_FLIPPABLE) pattern.nearKinks.remove(pattern.nearKinks.size() - 1);
    }

    /**
     * The number k of ReLU units at θ so close to their kink that a float32 computation may put
     * them on the other side (at most {@link #MAX_FLIPPABLE}). Each of the 2^k sign choices is a
     * smooth piece adjacent to θ; {@link #choosePiece} selects one.
     */
    public int nearKinks(double[] theta) {
        prepare(theta);
        return pattern.nearKinks.size();
    }

    /** Differentiates the piece whose near-kink units have the signs of θ flipped where {@code flips} has a bit set. */
    public void choosePiece(double[] theta, int flips) {
        prepare(theta);
        pattern.flip(flips);
    }

    /** ∂L/∂θᵢ by central differences with the pattern of θ frozen. */
    public double[] gradient(double[] theta, double h) {
        prepare(theta);
        double[] g = new double[theta.length];
        double[] t = theta.clone();
        for (int i = 0; i < theta.length; i++) {
            t[i] = theta[i] + h;
            double plus = frozenLoss(t);
            t[i] = theta[i] - h;
            double minus = frozenLoss(t);
            t[i] = theta[i];
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /**
     * (H v)ᵢ by the mixed second difference
     * D(h)ᵢ = [L(θ+hv+heᵢ) − L(θ+hv−heᵢ) − L(θ−hv+heᵢ) + L(θ−hv−heᵢ)] / 4h², pattern of θ frozen,
     * extrapolated (Richardson) as (4·D(h/2) − D(h))/3: truncation O(h⁴), rounding O(ε·L/h²).
     * BatchNorm on a batch of three can make the fourth derivatives large enough that plain
     * D(1e-4) errs by 1e-3; the extrapolation removes that term.
     */
    public double[] hvp(double[] theta, double[] v, double h) {
        prepare(theta);
        double[] coarse = secondDifference(theta, v, h), fine = secondDifference(theta, v, h / 2);
        double[] hv = new double[theta.length];
        for (int i = 0; i < hv.length; i++) hv[i] = (4 * fine[i] - coarse[i]) / 3;
        return hv;
    }

    private double[] secondDifference(double[] theta, double[] v, double h) {
        double[] plus = theta.clone(), minus = theta.clone();
        for (int i = 0; i < theta.length; i++) {
            plus[i] += h * v[i];
            minus[i] -= h * v[i];
        }
        double[] hv = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double p = plus[i], m = minus[i];
            plus[i] = p + h;
            minus[i] = m + h;
            double pp = frozenLoss(plus), mp = frozenLoss(minus);
            plus[i] = p - h;
            minus[i] = m - h;
            double pm = frozenLoss(plus), mm = frozenLoss(minus);
            plus[i] = p;
            minus[i] = m;
            hv[i] = (pp - pm - mp + mm) / (4 * h * h);
        }
        return hv;
    }

    /**
     * J = ∂z/∂θ, the Jacobian of the logits [N·C rows, p columns], row n·C + c for example n's logit
     * c, by central differences (z(θ + heᵢ) − z(θ − heᵢ)) / 2h with θ's activation pattern frozen:
     * truncation O(h²), rounding O(ε·|z|/h).
     */
    public double[][] jacobian(double[] theta, double h) {
        prepare(theta);
        int rows = logitsFrozen(theta).length;
        double[][] j = new double[rows][theta.length];
        double[] t = theta.clone();
        for (int i = 0; i < theta.length; i++) {
            t[i] = theta[i] + h;
            double[] plus = logitsFrozen(t);
            t[i] = theta[i] - h;
            double[] minus = logitsFrozen(t);
            t[i] = theta[i];
            for (int r = 0; r < rows; r++) j[r][i] = (plus[r] - minus[r]) / (2 * h);
        }
        return j;
    }

    /** The labels y_n the loss is taken against. */
    public int[] labels() {
        return labels.clone();
    }

    private double[] logitsFrozen(double[] theta) {
        pattern.frozen = true;
        pattern.next = 0;
        return run(theta).v();
    }

    /** ⟨u, ∇L⟩ = (L(θ+hu) − L(θ−hu)) / 2h, pattern frozen. */
    public double directionalDerivative(double[] theta, double[] u, double h) {
        prepare(theta);
        return (frozenLoss(axpy(theta, h, u)) - frozenLoss(axpy(theta, -h, u))) / (2 * h);
    }

    /** ⟨u, H v⟩ by the four-point second difference along u and v, pattern frozen, Richardson-extrapolated as {@link #hvp}. */
    public double quadraticForm(double[] theta, double[] u, double[] v, double h) {
        prepare(theta);
        return (4 * mixedDifference(theta, u, v, h / 2) - mixedDifference(theta, u, v, h)) / 3;
    }

    private double mixedDifference(double[] theta, double[] u, double[] v, double h) {
        double[] up = axpy(theta, h, u), um = axpy(theta, -h, u);
        return (frozenLoss(axpy(up, h, v)) - frozenLoss(axpy(up, -h, v))
                - frozenLoss(axpy(um, h, v)) + frozenLoss(axpy(um, -h, v))) / (4 * h * h);
    }

    private static double[] axpy(double[] x, double a, double[] d) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] += a * d[i];
        return y;
    }

    private double frozenLoss(double[] theta) {
        pattern.frozen = true;
        pattern.next = 0;
        return crossEntropy(run(theta));
    }

    private Act run(double[] theta) {
        if (theta.length != parameterCount()) {
            throw new IllegalArgumentException("oracle: " + theta.length + " parameters for a network of " + parameterCount());
        }
        Act a = input;
        int offset = 0;
        for (Node n : nodes) {
            a = n.forward(a, theta, offset, pattern);
            offset += n.parameterCount();
        }
        return a;
    }

    /** (1/B) Σ_b [log Σ_c exp(z_bc) − z_b,y_b]. */
    private double crossEntropy(Act z) {
        int batch = z.dims()[0], c = z.size(1);
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) max = Math.max(max, z.v()[b * c + k]);
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(z.v()[b * c + k] - max);
            total += max + Math.log(sum) - z.v()[b * c + labels[b]];
        }
        return total / batch;
    }
}
