package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The plane through two models θ_A and θ_B, as the two-minima study draws it:
 * <pre>
 *   origin  m  = (θ_A + θ_B) / 2                       centred at the midpoint
 *   d₁         = (θ_B − θ_A) / 2                       α along the line: θ_A at α = −1, θ_B at α = +1
 *   d₂         = Gaussian, made orthogonal to d₁ (Gram–Schmidt), rescaled to ‖d₁‖
 *   θ(α, β)    = m + α d₁ + β d₂
 * </pre>
 * The models' coordinates are not assumed but computed by projection, (α, β) = (⟨θ − m, d₁⟩/‖d₁‖²,
 * ⟨θ − m, d₂⟩/‖d₂‖²), so that a test can evaluate the loss there and compare it with each model's own.
 * Every point lies between the models, so a model with BatchNorm needs its running statistics
 * recomputed at each ({@link DatasetLoss#recomputingStatistics}).
 */
public record TwoModelPlane(ParamVector origin, ParamVector d1, ParamVector d2, double[] coordinatesA, double[] coordinatesB) {

    /** The plane through θ_A and θ_B with a random orthogonal second axis drawn from {@code rng}. */
    public static TwoModelPlane through(ParamVector thetaA, ParamVector thetaB, SplittableRandom rng) {
        Directions.requireSameLayout(thetaA.layout(), thetaB.layout(), "model A", "model B");
        ParamVector origin = thetaA.copy();
        origin.axpy(1, thetaB);
        origin.scal(0.5);
        ParamVector d1 = Directions.between(thetaA, thetaB);
        d1.scal(0.5);
        double d1Norm = d1.norm();
        if (d1Norm == 0) throw new IllegalArgumentException("plane: the two models are the same point; no line runs through them");
        ParamVector d2 = Directions.gaussian(thetaA.backend(), thetaA.layout(), rng);
        Directions.orthogonalise(d2, List.of(d1));
        d2.scal(d1Norm / d2.norm());
        return new TwoModelPlane(origin, d1, d2, coordinates(thetaA, origin, d1, d2), coordinates(thetaB, origin, d1, d2));
    }

    /** (α, β) of θ in this plane, by projection on d₁ and d₂. */
    public double[] coordinatesOf(ParamVector theta) {
        return coordinates(theta, origin, d1, d2);
    }

    private static double[] coordinates(ParamVector theta, ParamVector origin, ParamVector d1, ParamVector d2) {
        ParamVector offset = theta.copy();
        offset.axpy(-1, origin);
        return new double[] {offset.dot(d1) / d1.dot(d1), offset.dot(d2) / d2.dot(d2)};
    }

    /** The grid over the plane: {@link Slice#plane} with this origin and these axes. */
    public Slice.Result measure(LossSurface f, double[] alphas, double[] betas, int threads, GridLog log) {
        return measure(f, GridEngine.threads(f, threads), alphas, betas, log);
    }

    /** The same grid with its points measured by {@code engine}; {@code f} is the loss the engine measures, checked here. */
    public Slice.Result measure(LossSurface f, GridEngine engine, double[] alphas, double[] betas, GridLog log) {
        f.runningStatistics().requireRecomputedFor("plane through two models");      // before any work
        return Slice.plane(engine, origin, d1, d2, alphas, betas, log);
    }
}
