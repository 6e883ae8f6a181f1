package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.curvature.LinearOperator;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Sharpness;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code probe sharpness --explain}: each of the three measurements step by step, beside the
 * second-order Taylor model L(θ + δ) − L(θ) ≈ gᵀδ + ½ δᵀHδ at the same points (g = ∇L(θ), one HVP
 * per point), so a student sees when the loss is still quadratic at that radius and when it is not.
 */
final class SharpnessExplain {
    private SharpnessExplain() {
    }

    static void print(PrintStream out, DatasetLoss f, LinearOperator h, ParamVector theta, List<ParamVector> unit, double epsilon,
                      Sharpness.RandomDirections random, Sharpness.Adversarial sam, Sharpness.BallAscent ball, double lambdaMax) {
        ParamVector g = theta.zerosLike();
        f.gradient(theta, g);
        out.println();
        out.printf(Locale.ROOT, "── random directions: ΔL_k = L(θ + ε d_k) − L(θ), ε = %s, beside the Taylor model ε gᵀd_k + ½ε² d_kᵀHd_k%n", LandscapeCommand.f(epsilon));
        out.printf(Locale.ROOT, "  %-4s %13s %13s %13s %13s%n", "k", "ΔL_k", "ε gᵀd_k", "½ε² d_kᵀHd_k", "model");
        for (int k = 0; k < unit.size(); k++) {
            ParamVector d = unit.get(k);
            double first = epsilon * g.dot(d), second = 0.5 * epsilon * epsilon * d.dot(h.apply(d));   // one HVP
            out.printf(Locale.ROOT, "  %-4d %13.6g %13.6g %13.6g %13.6g%n", k + 1, random.increases()[k], first, second, first + second);
        }
        out.println("  (a random unit direction sees the average curvature, tr H / p, so ½ε² d_kᵀHd_k ≪ ½ε² λmax)");

        double rho = sam.rho(), gNorm = sam.gradientNorm();
        ParamVector gHat = g.scaled(1 / g.norm());
        double curvature = gHat.dot(h.apply(gHat));                                                    // one HVP
        out.println();
        out.printf(Locale.ROOT, "── adversarial (SAM): one gradient g, then one loss at θ + ρ g/‖g‖, ρ = %s%n", LandscapeCommand.f(rho));
        out.printf(Locale.ROOT, "  L(θ) = %.8g,  ‖g‖ = %.6g,  L(θ + ρ g/‖g‖) = %.8g,  S_ρ = %.6g%n", sam.baseLoss(), gNorm, sam.perturbedLoss(), sam.sharpness());
        out.printf(Locale.ROOT, "  Taylor: ρ‖g‖ = %.6g  +  ½ρ² ĝᵀHĝ = %.6g  →  %.6g (ĝᵀHĝ = %.6g, against λmax %.6g)%n",
                rho * gNorm, 0.5 * rho * rho * curvature, rho * gNorm + 0.5 * rho * rho * curvature, curvature, lambdaMax);

        out.println();
        out.printf(Locale.ROOT, "── ρ-ball ascent: δ_0 = ρ g/‖g‖, then δ_t = proj(δ_{t−1} + η ρ h/‖h‖), h = ∇L(θ + δ_{t−1}): one gradient a step%n");
        double[] increases = ball.increases();
        for (int t = 0; t < increases.length; t++) out.printf(Locale.ROOT, "  t %3d   L(θ + δ_t) − L(θ) = %.8g%n", t, increases[t]);
        out.printf(Locale.ROOT, "  ‖δ‖ at the end %.6g of ρ = %s; the best increase %.6g against ½ρ²λmax = %.6g (the quadratic's maximum on the ball)%n",
                ball.finalRadius(), LandscapeCommand.f(rho), ball.sharpness(), Sharpness.quadraticPrediction(rho, lambdaMax));
    }
}
