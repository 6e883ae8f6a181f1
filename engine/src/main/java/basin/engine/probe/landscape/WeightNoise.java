package basin.engine.probe.landscape;

import basin.engine.linalg.ParamVector;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Flatness as robustness to noise in the weights:
 * <pre>
 *   norm-controlled     ΔL_k = L(θ + δ_k) − L(θ),  δ_k = r z_k/‖z_k‖,  z_k ~ N(0, I)
 *                       with r = ε (absolute) or r = ε‖θ‖ (relative to the weights)
 *   isotropic noise     accuracy and loss at θ + σ ξ,  ξ ~ N(0, I): every weight gets N(0, σ²) noise
 * </pre>
 * Each draw is independent; the results carry every draw with their mean and spread. The first is
 * the "flatness" of the two-minima study (mean rise at ‖δ‖ = ε); the second the noise-robustness
 * curve of the mlp-vs-cnn study (scales 0, 0.01, 0.02, 0.05).
 */
public final class WeightNoise {
    private WeightNoise() {
    }

    /** The perturbation radius r and how it was set. */
    public record NormControlled(double epsilon, boolean relative, double radius, double baseLoss, double[] increases, Summary summary) {
    }

    /** Accuracy and loss under noise of one scale σ, over the draws. */
    public record AtScale(double sigma, double[] accuracies, double[] losses, Summary accuracy, Summary loss) {
    }

    /**
     * ΔL over {@code draws} perturbations of norm ε (or ε‖θ‖ when {@code relative}): the random-direction
     * sharpness of {@link Sharpness#randomDirections} at that radius.
     */
    public static NormControlled normControlled(LossSurface f, ParamVector theta, double epsilon, boolean relative, int draws, SplittableRandom rng) {
        if (draws < 1 || !(epsilon > 0)) throw new IllegalArgumentException("flatness: need ≥ 1 draw and ε > 0, got " + draws + ", " + epsilon);
        double radius = relative ? epsilon * theta.norm() : epsilon;
        Sharpness.RandomDirections r = Sharpness.randomDirections(f, theta, radius, draws, rng);
        return new NormControlled(epsilon, relative, radius, r.baseLoss(), r.increases(), Summary.of(r.increases()));
    }

    /**
     * Accuracy and loss at θ + σξ for each σ in {@code sigmas}, {@code draws} noise draws per scale
     * (σ = 0 is measured once per draw too, so its spread is zero and it states the clean accuracy).
     */
    public static List<AtScale> isotropic(LossSurface f, ParamVector theta, double[] sigmas, int draws, SplittableRandom rng) {
        if (draws < 1) throw new IllegalArgumentException("weight noise: need ≥ 1 draw, got " + draws);
        List<AtScale> out = new ArrayList<>();
        ParamVector point = theta.copy();
        for (double sigma : sigmas) {
            if (!(sigma >= 0)) throw new IllegalArgumentException("weight noise: σ must be ≥ 0, got " + sigma);
            double[] acc = new double[draws], loss = new double[draws];
            for (int k = 0; k < draws; k++) {
                ParamVector xi = Directions.gaussian(theta.backend(), theta.layout(), rng);
                point.copyFrom(theta);
                point.axpy(sigma, xi);                                      // θ + σ ξ
                LossSurface.Measurement m = f.measure(point);
                acc[k] = m.accuracy();
                loss[k] = m.loss();
            }
            out.add(new AtScale(sigma, acc, loss, Summary.of(acc), Summary.of(loss)));
        }
        return out;
    }
}
