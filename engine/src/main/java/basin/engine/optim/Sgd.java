package basin.engine.optim;

import basin.engine.linalg.ParamVector;

/**
 * Stochastic gradient descent with momentum and weight decay, step for step the update of PyTorch's
 * {@code torch.optim.SGD(params, lr, momentum=μ, dampening=τ, weight_decay=λ, nesterov=False)}:
 * <pre>
 *   g_t ← ∇L(θ_{t−1}) + λ θ_{t−1}                     weight decay enters the gradient (L2, not decoupled)
 *   b_t ← g_t                         if t = 1          the first step copies the gradient, undamped
 *   b_t ← μ b_{t−1} + (1 − τ) g_t     if t &gt; 1
 *   θ_t ← θ_{t−1} − γ_t b_t                            (with μ = 0: θ_t ← θ_{t−1} − γ_t g_t)
 * </pre>
 * with γ_t the learning rate of the current epoch (see {@link LearningRateSchedule}). In place:
 * θ and the momentum buffer b are updated; the gradient vector is overwritten with g_t.
 *
 * <p>The optimiser's state is b and t, nothing else (the learning rate comes from outside), so
 * {@link #restore} with the values of {@link #velocity()} and {@link #steps()} continues a run
 * exactly where it stopped; that is what torch.optim.SGD's {@code state_dict} holds too.
 */
public final class Sgd {
    private final double momentum, dampening, weightDecay;
    private ParamVector velocity;                  // b, the momentum buffer; null until the first step
    private long steps;

    public Sgd(double momentum, double dampening, double weightDecay) {
        if (momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("sgd: momentum and weight decay must be ≥ 0, got " + momentum + ", " + weightDecay);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
    }

    /** One update of θ with learning rate γ, given ∇L(θ) in {@code gradient} (overwritten with g_t). */
    public void step(ParamVector theta, ParamVector gradient, double learningRate) {
        if (weightDecay != 0) gradient.axpy(weightDecay, theta);                     // g ← ∇L + λθ
        ParamVector direction = gradient;
        if (momentum != 0) {
            if (velocity == null) {
                velocity = gradient.copy();                                          // b₁ ← g₁
            } else {
                velocity.scal(momentum);                                             // b ← μ b + (1 − τ) g
                velocity.axpy(1 - dampening, gradient);
            }
            direction = velocity;
        }
        theta.axpy(-learningRate, direction);                                        // θ ← θ − γ b
        steps++;
    }

    /**
     * Puts the optimiser back where an earlier run stood after {@code steps} updates with momentum
     * buffer {@code velocity} (copied: the caller's vector is not touched later). A null buffer is
     * the state before the first step (b₁ ← g₁ next) or the state of a run without momentum.
     *
     * @throws IllegalArgumentException if {@code steps} is negative, if a buffer is given to an
     *                                  optimiser without momentum or after no step, or if a run
     *                                  with momentum and {@code steps} &gt; 0 comes without one
     */
    public void restore(ParamVector velocity, long steps) {
        if (steps < 0) throw new IllegalArgumentException("sgd restore: step count " + steps + " is negative");
        if (velocity != null && momentum == 0) {
            throw new IllegalArgumentException("sgd restore: a momentum buffer was given, but momentum is 0");
        }
        if (velocity != null && steps == 0) {
            throw new IllegalArgumentException("sgd restore: a momentum buffer was given with 0 steps taken; b exists only after step 1");
        }
        if (velocity == null && momentum != 0 && steps > 0) {
            throw new IllegalArgumentException("sgd restore: momentum " + momentum + " after " + steps
                    + " steps needs the momentum buffer, and none was given (resuming without it restarts b ← g)");
        }
        this.velocity = velocity == null ? null : velocity.copy();
        this.steps = steps;
    }

    /** μ, the momentum coefficient (0: plain SGD, no buffer). */
    public double momentum() {
        return momentum;
    }

    /**
     * The largest curvature λ at which this update is stable on a quadratic, the edge-of-stability
     * threshold (Cohen et al. 2021): 2/η for plain SGD, 2(1 + β)/η with heavy-ball momentum β.
     *
     * <p>Derivation. On f(θ) = ½λθ² the gradient is λθ, and with b the momentum buffer (dampening 0)
     * <pre>
     *   b_t = β b_{t−1} + λ θ_{t−1},   θ_t = θ_{t−1} − η b_t
     *   ⇒  θ_{t+1} = (1 + β − ηλ) θ_t − β θ_{t−1}            (substitute η b_t = θ_{t−1} − θ_t)
     * </pre>
     * a linear recurrence with characteristic polynomial z² − (1 + β − ηλ) z + β. For 0 ≤ β &lt; 1 both
     * roots lie inside the unit circle exactly when |1 + β − ηλ| &lt; 1 + β (Jury's criterion: the
     * constant term β &lt; 1, and p(1) = ηλ &gt; 0, p(−1) = 2(1 + β) − ηλ &gt; 0), that is when
     * 0 &lt; ηλ &lt; 2(1 + β). Above the threshold the root near −1 leaves the circle and θ oscillates with
     * growing amplitude along the top eigenvector; the Hessian of a network trained at that η hovers at
     * or below it. β = 0 gives plain SGD's 2/η.
     */
    public static double stabilityThreshold(double learningRate, double momentum) {
        if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("stability threshold: need η > 0 and 0 ≤ β < 1, got " + learningRate + ", " + momentum);
        }
        return 2 * (1 + momentum) / learningRate;
    }

    /** Number of updates taken. */
    public long steps() {
        return steps;
    }

    /** The momentum buffer b (null before the first step), for checkpoints. */
    public ParamVector velocity() {
        return velocity;
    }
}
