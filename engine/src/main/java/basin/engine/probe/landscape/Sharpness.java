package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How much the loss rises within a distance of θ, three ways:
 * <pre>
 *   random directions   ΔL_k = L(θ + ε d_k) − L(θ),  d_k uniform on the unit sphere, k = 1 … m
 *                       S_ε^max = max_k ΔL_k,   S_ε^mean = (1/m) Σ_k ΔL_k
 *   adversarial (SAM)   S_ρ = L(θ + ρ g/‖g‖) − L(θ),   g = ∇L(θ)            (Foret et al. 2021, eq. 2)
 *   ρ-ball              max_{‖δ‖ ≤ ρ} L(θ + δ) − L(θ) by projected gradient ascent
 *                       (Keskar et al. 2017 measure the same maximum over a box)
 * </pre>
 * At a minimum of a quadratic with Hessian H, ΔL_k = ½ε² d_kᵀ H d_k (so E[S_ε^mean] = ½ε² tr H / p) and
 * the ρ-ball maximum is ½ρ² λmax: {@link #quadraticPrediction} puts that beside the measurements.
 */
public final class Sharpness {
    private Sharpness() {
    }

    /** The loss increases along m random unit directions at distance ε, with their max and mean. */
    public record RandomDirections(double epsilon, int directions, double baseLoss, double[] increases, double max, double mean, double std) {
    }

    /** S_ρ along the normalised gradient. */
    public record Adversarial(double rho, double baseLoss, double perturbedLoss, double sharpness, double gradientNorm) {
    }

    /**
     * The ρ-ball maximum found by projected gradient ascent: the increase after each step (entry 0 is
     * the start, δ₀ = ρ g/‖g‖), the best of them, and ‖δ‖ at the end.
     */
    public record BallAscent(double rho, int steps, double baseLoss, double[] increases, double sharpness, double finalRadius) {
    }

    /** ½ ε² λmax: the rise a quadratic with top curvature λmax allows within distance ε. */
    public static double quadraticPrediction(double epsilon, double lambdaMax) {
        return 0.5 * epsilon * epsilon * lambdaMax;
    }

    /**
     * S_ε^max and S_ε^mean over {@code m} directions d_k = z_k/‖z_k‖, z_k ~ N(0, I) drawn in turn from
     * {@code rng} (so the same seed gives the same directions).
     */
    public static RandomDirections randomDirections(LossSurface f, ParamVector theta, double epsilon, int m, SplittableRandom rng) {
        if (m < 1) throw new IllegalArgumentException("sharpness: need m ≥ 1 directions, got " + m);
        return randomDirections(f, theta, epsilon, unitDirections(theta, m, rng));
    }

    /** m directions uniform on the unit sphere, z_k/‖z_k‖ with z_k ~ N(0, I) drawn in turn from {@code rng}. */
    public static List<ParamVector> unitDirections(ParamVector theta, int m, SplittableRandom rng) {
        List<ParamVector> d = new ArrayList<>();
        for (int k = 0; k < m; k++) d.add(Directions.unitGaussian(theta.backend(), theta.layout(), rng));
        return d;
    }

    /** S_ε^max and S_ε^mean over given unit directions d_k (a file's, say), each step θ + ε d_k. */
    public static RandomDirections randomDirections(LossSurface f, ParamVector theta, double epsilon, List<ParamVector> directions) {
        int m = directions.size();
        if (m < 1 || !(epsilon > 0)) throw new IllegalArgumentException("sharpness: need m ≥ 1 directions and ε > 0, got " + m + ", " + epsilon);
        double base = f.loss(theta);
        double[] increases = new double[m];
        ParamVector point = theta.copy();
        for (int k = 0; k < m; k++) {
            point.copyFrom(theta);
            point.axpy(epsilon, directions.get(k));                         // θ + ε d_k
            increases[k] = f.loss(point) - base;
        }
        Summary s = Summary.of(increases);
        return new RandomDirections(epsilon, m, base, increases, s.max(), s.mean(), s.std());
    }

    /** S_ρ = L(θ + ρ g/‖g‖) − L(θ), one gradient and one loss. */
    public static Adversarial adversarial(LossSurface f, ParamVector theta, double rho) {
        if (!(rho > 0)) throw new IllegalArgumentException("sharpness: ρ must be > 0, got " + rho);
        ParamVector g = theta.zerosLike();
        double base = f.gradient(theta, g);
        double gNorm = g.norm();
        if (gNorm == 0) throw new ArithmeticException("sharpness: ∇L(θ) = 0, so the SAM direction g/‖g‖ is undefined");
        ParamVector point = theta.copy();
        point.axpy(rho / gNorm, g);                                         // ε̂ = ρ g/‖g‖
        double perturbed = f.loss(point);
        return new Adversarial(rho, base, perturbed, perturbed - base, gNorm);
    }

    /**
     * Projected gradient ascent on the ball ‖δ‖ ≤ ρ, starting from the SAM point:
     * <pre>
     *  1  δ₀ ← ρ g/‖g‖, g = ∇L(θ)          (a random direction on the sphere if g = 0)
     *  2  for t = 1 … steps
     *  3      h ← ∇L(θ + δ_{t−1})
     *  4      δ_t ← δ_{t−1} + η ρ h/‖h‖     normalised step: its length is a fraction η of the radius
     *  5      δ_t ← δ_t · min(1, ρ/‖δ_t‖)   projection on the ball
     * </pre>
     * The sharpness is the largest increase seen at any δ_t. On a quadratic at its minimum step 4 is a
     * power step on I + H/‖Hδ‖, so δ turns towards the top eigenvector and the increase to ½ρ²λmax.
     */
    public static BallAscent ballAscent(LossSurface f, ParamVector theta, double rho, int steps, double eta, SplittableRandom rng) {
        if (!(rho > 0) || steps < 0 || !(eta > 0)) {
            throw new IllegalArgumentException("sharpness: need ρ > 0, steps ≥ 0 and η > 0, got " + rho + ", " + steps + ", " + eta);
        }
        ParamVector h = theta.zerosLike();
        double base = f.gradient(theta, h);
        ParamVector delta = h.norm() > 0 ? h.scaled(1 / h.norm()) : Directions.unitGaussian(theta.backend(), theta.layout(), rng);
        delta.scal(rho);                                                    // 1
        ParamVector point = theta.copy();
        double[] increases = new double[steps + 1];
        double best = Double.NEGATIVE_INFINITY;
        for (int t = 0; t <= steps; t++) {
            point.copyFrom(theta);
            point.axpy(1, delta);
            double lossAt = f.gradient(point, h);                           // 3 (and L(θ + δ_t) with it)
            increases[t] = lossAt - base;
            best = Math.max(best, increases[t]);
            if (t == steps) break;
            double hNorm = h.norm();
            if (hNorm == 0) {                                               // a stationary point inside the ball: stop there
                increases = java.util.Arrays.copyOf(increases, t + 1);
                break;
            }
            delta.axpy(eta * rho / hNorm, h);                               // 4
            double radius = delta.norm();
            if (radius > rho) delta.scal(rho / radius);                     // 5
        }
        return new BallAscent(rho, increases.length - 1, base, increases, best, delta.norm());
    }
}
