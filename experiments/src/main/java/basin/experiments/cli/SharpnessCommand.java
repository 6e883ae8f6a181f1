package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.PowerIteration;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.Sharpness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code basin probe sharpness}: random-direction S_ε^max and S_ε^mean, adversarial S_ρ, the ρ-ball
 * maximum by projected gradient ascent, and beside them the quadratic predictions ½ε²λmax and
 * ½ρ²λmax with λmax by power iteration on the same examples.
 */
@Command(name = "sharpness", mixinStandardHelpOptions = true,
        description = "Random-direction, adversarial (SAM) and ρ-ball sharpness, with ½ε²λmax beside them.")
public final class SharpnessCommand extends LandscapeCommand {

    @Option(names = "--epsilon", defaultValue = "0.05", description = "Radius ε of the random directions (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--directions", defaultValue = "10", description = "Number m of random unit directions (default: ${DEFAULT-VALUE}).")
    int directions;

    @Option(names = "--rho", defaultValue = "0.05", description = "Radius ρ of SAM and of the ball (default: ${DEFAULT-VALUE}, as the cnn-vs-resnet study).")
    double rho;

    @Option(names = "--ascent-steps", defaultValue = "10", description = "Projected gradient ascent steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--ascent-step", defaultValue = "0.5", description = "Ascent step length as a fraction η of ρ (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--power-iterations", defaultValue = "50", description = "Most power steps for λmax (default: ${DEFAULT-VALUE}).")
    int powerIterations;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        ParamVector theta = load(weights);
        DatasetLoss f = surface();
        SplittableRandom rng = new SplittableRandom(seed);
        Sharpness.RandomDirections random = Sharpness.randomDirections(f, theta, epsilon, directions, rng.split());
        Sharpness.Adversarial sam = Sharpness.adversarial(f, theta, rho);
        Sharpness.BallAscent ball = Sharpness.ballAscent(f, theta, rho, steps, eta, rng.split());
        HessianOperator h = new HessianOperator(new Objective(net(), Mode.EVAL), theta, f.batches());
        PowerIteration.Result power = PowerIteration.run(h, powerIterations, 1e-4, rng.split(), null);

        Map<String, Object> o = header("sharpness");
        o.put("loss", random.baseLoss());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epsilon", epsilon);
        r.put("directions", directions);
        r.put("s_max", random.max());
        r.put("s_mean", random.mean());
        r.put("std", random.std());
        r.put("increases", random.increases());
        r.put("half_eps2_lambda_max", Sharpness.quadraticPrediction(epsilon, power.lambda()));
        o.put("random_directions", r);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("rho", rho);
        s.put("s_rho", sam.sharpness());
        s.put("gradient_norm", sam.gradientNorm());
        o.put("adversarial", s);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("rho", rho);
        b.put("steps", ball.steps());
        b.put("step_fraction", eta);
        b.put("sharpness", ball.sharpness());
        b.put("increases", ball.increases());
        b.put("half_rho2_lambda_max", Sharpness.quadraticPrediction(rho, power.lambda()));
        o.put("rho_ball", b);
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("lambda_max", power.lambda());
        l.put("iterations", power.iterations());
        l.put("converged", power.converged());
        o.put("power_iteration", l);
        if (json) {
            printJson(o);
            return 0;
        }
        System.out.println("sharpness  " + f.describe() + ", L(θ) = " + f(random.baseLoss()));
        printStatistics(f.runningStatistics());
        System.out.printf("random directions  ε = %s, m = %d:  S_max %s  S_mean %s  (½ε²λmax %s)%n", f(epsilon), directions,
                f(random.max()), f(random.mean()), f(Sharpness.quadraticPrediction(epsilon, power.lambda())));
        System.out.printf("adversarial (SAM)  ρ = %s:  S_ρ %s  (‖∇L‖ %s)%n", f(rho), f(sam.sharpness()), f(sam.gradientNorm()));
        System.out.printf("ρ-ball ascent      ρ = %s, %d steps:  %s  (½ρ²λmax %s)%n", f(rho), ball.steps(), f(ball.sharpness()),
                f(Sharpness.quadraticPrediction(rho, power.lambda())));
        System.out.printf("lambda_max         %s (%d power steps, %s)%n", f(power.lambda()), power.iterations(), power.converged() ? "converged" : "not converged");
        return 0;
    }

    /** Before any loading: every radius, count and step the probes will use. */
    private void checkOptions() {
        if (!(epsilon > 0)) throw new IllegalArgumentException("--epsilon must be > 0, got " + epsilon);
        if (directions < 1) throw new IllegalArgumentException("--directions must be ≥ 1, got " + directions);
        if (!(rho > 0)) throw new IllegalArgumentException("--rho must be > 0, got " + rho);
        if (steps < 0) throw new IllegalArgumentException("--ascent-steps must be ≥ 0, got " + steps);
        if (!(eta > 0)) throw new IllegalArgumentException("--ascent-step must be > 0, got " + eta);
        if (powerIterations < 1) throw new IllegalArgumentException("--power-iterations must be ≥ 1, got " + powerIterations);
    }
}
