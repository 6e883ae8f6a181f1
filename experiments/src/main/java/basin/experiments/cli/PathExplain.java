package basin.experiments.cli;

import basin.engine.linalg.ParamLayout;
import basin.engine.linalg.ParamVector;
import basin.engine.probe.landscape.BezierCurve;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.PathResult;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --explain} of the landscape probes that only evaluate the loss: what one point costs,
 * what the direction is, tensor by tensor, and how a path's barrier comes out of its points; and the
 * Bezier curve's training, step by step ({@link BezierCurve.Listener}).
 */
final class PathExplain {
    /** The curve's training prints every step of its first epoch up to this many, then one line an epoch. */
    static final int STEPS_SHOWN = 8;

    private PathExplain() {
    }

    /** One point is one forward pass over every example (in batches, no gradient, no tape), however many parameters it moves. */
    static void cost(PrintStream out, DatasetLoss f, int points, double seconds, int threads, String perPointExtra) {
        int examples = f.examples(), batches = f.batches().size();
        out.println();
        out.printf(Locale.ROOT, "── what a point costs: one loss over %d examples, %d forward pass%s of ≤ %d examples, no gradient%s%n",
                examples, batches, batches > 1 ? "es" : "", f.batches().get(0).size(), perPointExtra);
        out.printf(Locale.ROOT, "  %d points × %d examples = %d example-forwards in %.2f s: %.3g s a point on %d thread%s%n",
                points, examples, (long) points * examples, seconds, seconds / points, threads, threads > 1 ? "s" : "");
    }

    /** Each parameter tensor's ‖θ_i‖ beside the direction's ‖d_i‖, so what (filter) normalisation did is visible. */
    static void directionNorms(PrintStream out, ParamVector theta, List<ParamVector> directions) {
        out.println();
        out.println("── the direction" + (directions.size() > 1 ? "s" : "") + ", tensor by tensor (filter normalisation makes ‖d_i‖ = ‖θ_i‖ filter by filter)");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-20s %10s %12s", "tensor", "entries", "‖θ_i‖"));
        for (int k = 0; k < directions.size(); k++) head.append(String.format(Locale.ROOT, " %12s", "‖d" + (k + 1) + "_i‖"));
        out.println(head);
        for (ParamLayout.Entry e : theta.layout().entries()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-20s %10d %12.6g", e.name(), e.size(), norm(theta, e)));
            for (ParamVector d : directions) row.append(String.format(Locale.ROOT, " %12.6g", norm(d, e)));
            out.println(row);
        }
    }

    /** How the barrier comes out: each point's loss beside the straight mix of the end losses. */
    static void barrier(PrintStream out, String path, PathResult r, double distance) {
        double la = r.barrier().lossStart(), lb = r.barrier().lossEnd();
        out.println();
        out.printf(Locale.ROOT, "── the path %s, ‖θ_B − θ_A‖ = %.6g; each point's loss beside the mix (1 − α)L_A + αL_B%n", path, distance);
        out.printf(Locale.ROOT, "  %8s %14s %14s %14s%n", "α", "L", "mix", "L − mix");
        double[] t = r.ts(), loss = r.losses();
        for (int i = 0; i < t.length; i++) {
            double mix = (1 - t[i]) * la + t[i] * lb;
            out.printf(Locale.ROOT, "  %8.4g %14.6g %14.6g %14.6g%n", t[i], loss[i], mix, loss[i] - mix);
        }
        out.printf(Locale.ROOT, "  barrier = max L − min(L_A, L_B) = %.6g − %.6g = %.6g at α = %.4g; above the mix: %.6g%n",
                r.barrier().barrier() + Math.min(la, lb), Math.min(la, lb), r.barrier().barrier(), r.barrier().argmax(), r.barrier().barrierAboveMix());
    }

    /** The Bezier curve's SGD on θ_c: the first steps in full, then each epoch's mean loss and how far θ_c has left the midpoint. */
    static BezierCurve.Listener curveTraining(PrintStream out, BezierCurve curve) {
        ParamVector midpoint = curve.control().copy();                 // θ_c starts at (θ_A + θ_B)/2
        out.println();
        out.println("── training θ_c: each step draws t ~ U(0, 1), takes g = ∇L(φ(t)) on one batch, and steps θ_c along ∂L/∂θ_c = 2t(1 − t) g");
        return new BezierCurve.Listener() {
            @Override
            public void onStep(int epoch, int step, double t, double loss) {
                if (epoch == 1 && step <= STEPS_SHOWN) {
                    out.printf(Locale.ROOT, "  epoch %d step %3d   t = %.4f   L(φ(t)) = %.6g   weight 2t(1 − t) = %.4f%n", epoch, step, t, loss, 2 * t * (1 - t));
                }
            }

            @Override
            public void onEpoch(int epoch, double meanLoss) {
                ParamVector moved = curve.control().copy();
                moved.axpy(-1, midpoint);
                out.printf(Locale.ROOT, "  epoch %d: mean L(φ(t)) = %.6g, ‖θ_c − (θ_A + θ_B)/2‖ = %.6g%n", epoch, meanLoss, moved.norm());
            }
        };
    }

    private static double norm(ParamVector v, ParamLayout.Entry e) {
        float[] x = v.toHost();
        double s = 0;
        for (int i = e.offset(); i < e.offset() + e.size(); i++) s += (double) x[i] * x[i];
        return Math.sqrt(s);
    }
}
