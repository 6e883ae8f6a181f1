package basin.engine.optim;

import java.util.Locale;

/**
 * The learning rate γ_e for epoch e = 0, 1, …, E−1, matching PyTorch's schedulers stepped once per epoch:
 * <pre>
 *   constant   γ_e = γ₀
 *   step       γ_e = γ₀ · δ^⌊e / s⌋                               StepLR(step_size=s, gamma=δ)
 *   cosine     γ_e = η_min + (γ₀ − η_min)(1 + cos(π e / T)) / 2    CosineAnnealingLR(T_max=T, eta_min=η_min)
 * </pre>
 */
public interface LearningRateSchedule {

    /** γ for epoch {@code epoch} (counted from 0). */
    double rate(int epoch);

    /** A description for run logs: {@code "cosine(lr=0.01, T=20, min=0)"}. */
    String describe();

    static LearningRateSchedule constant(double lr) {
        return new LearningRateSchedule() {
            public double rate(int epoch) {
                return lr;
            }

            public String describe() {
                return String.format(Locale.ROOT, "constant(lr=%s)", lr);
            }
        };
    }

    static LearningRateSchedule step(double lr, int stepSize, double gamma) {
        if (stepSize < 1) throw new IllegalArgumentException("step schedule: step size must be ≥ 1, got " + stepSize);
        return new LearningRateSchedule() {
            public double rate(int epoch) {
                return lr * Math.pow(gamma, epoch / stepSize);
            }

            public String describe() {
                return String.format(Locale.ROOT, "step(lr=%s, every %d epochs ×%s)", lr, stepSize, gamma);
            }
        };
    }

    static LearningRateSchedule cosine(double lr, int totalEpochs, double minLr) {
        if (totalEpochs < 1) throw new IllegalArgumentException("cosine schedule: T must be ≥ 1, got " + totalEpochs);
        return new LearningRateSchedule() {
            public double rate(int epoch) {
                return minLr + (lr - minLr) * (1 + Math.cos(Math.PI * epoch / totalEpochs)) / 2;
            }

            public String describe() {
                return String.format(Locale.ROOT, "cosine(lr=%s, T=%d, min=%s)", lr, totalEpochs, minLr);
            }
        };
    }

    /** Parses a schedule name from the command line: {@code constant}, {@code step}, {@code cosine}. */
    static LearningRateSchedule named(String name, double lr, int epochs) {
        switch (name) {
            case "constant":
                return constant(lr);
            case "step":
                return step(lr, Math.max(1, epochs / 3), 0.1);
            case "cosine":
                return cosine(lr, epochs, 0);
            default:
                throw new IllegalArgumentException("unknown schedule '" + name + "'; choose constant, step or cosine");
        }
    }
}
