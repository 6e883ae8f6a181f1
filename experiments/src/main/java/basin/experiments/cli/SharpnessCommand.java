package basin.experiments.cli;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.curvature.Lanczos;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.DirectionFile;
import basin.engine.probe.landscape.Sharpness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code basin probe sharpness}: random-direction S_ε^max and S_ε^mean, adversarial S_ρ, the ρ-ball
 * maximum by projected gradient ascent, and beside them the quadratic predictions ½ε²λmax and
 * ½ρ²λmax with λmax by Lanczos on the Hessian of the same examples. Lanczos rather than power
 * iteration: a trained network's top eigenvalues are often close (3.61 and 3.54 on the quickstart
 * MLP), and power iteration then stops on a small change of the Rayleigh quotient while still
 * a few percent below λmax; m Lanczos steps find the top of the spectrum with the residual to show it.
 */
@Command(name = "sharpness", mixinStandardHelpOptions = true,
        description = "Random-direction, adversarial (SAM) and ρ-ball sharpness, with ½ε²λmax beside them.")
public final class SharpnessCommand extends LandscapeCommand {

    @Option(names = "--epsilon", defaultValue = "0.05", description = "Radius ε of the random directions (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--directions", defaultValue = "10", description = "Number m of random unit directions (default: ${DEFAULT-VALUE}).")
    int directions;

    @Option(names = "--directions-file",
            description = "Take the random directions from FILE.safetensors (d1.<name> … dm.<name>, as --save-directions writes them; "
                    + "each scaled to unit norm unless it is); m is then their number.")
    Path directionsFile;

    @Option(names = "--save-directions", description = "Write the m unit directions used to FILE.safetensors: d1.<state_dict name> … dm.<…>.")
    Path saveDirections;

    @Option(names = "--rho", defaultValue = "0.05", description = "Radius ρ of SAM and of the ball (default: ${DEFAULT-VALUE}, as the cnn-vs-resnet study).")
    double rho;

    @Option(names = "--ascent-steps", defaultValue = "10", description = "Projected gradient ascent steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--ascent-step", defaultValue = "0.5", description = "Ascent step length as a fraction η of ρ (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--lanczos-steps", defaultValue = "20", description = "Lanczos steps for λmax, one HVP each, and one more for its residual (default: ${DEFAULT-VALUE}).")
    int lanczosSteps;

    @Option(names = "--explain", description = "Print (to stderr with --json) each direction's rise, the SAM step and every ascent step beside the second-order Taylor model "
            + "gᵀδ + ½δᵀHδ (one HVP per point).")
    boolean explain;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        ParamVector theta = load(weights);
        DatasetLoss f = surface();
        MemoryChecks.hvp(backend(), net(), model, Math.min(batch, f.examples()), 1, "--batch");      // the Lanczos for ½ρ²λmax
        SplittableRandom rng = new SplittableRandom(seed);
        SplittableRandom directionRng = rng.split();            // split even when unused, so the later draws do not move
        List<ParamVector> unit = directionsFile != null ? unitDirectionsFrom(directionsFile, theta)
                : Sharpness.unitDirections(theta, directions, directionRng);
        if (saveDirections != null) {
            DirectionFile.save(saveDirections, unit, Map.of("basin", "directions", "directions",
                    directionsFile != null ? "read from " + directionsFile : "unit Gaussian (d = z/‖z‖, z ~ N(0, I)), seed " + seed));
        }
        Sharpness.RandomDirections random = Sharpness.randomDirections(f, theta, epsilon, unit);
        Sharpness.Adversarial sam = Sharpness.adversarial(f, theta, rho);
        Sharpness.BallAscent ball = Sharpness.ballAscent(f, theta, rho, steps, eta, rng.split());
        HessianOperator h = new HessianOperator(new Objective(net(), Mode.EVAL), theta, f.batches());
        Lanczos.Result lanczos = Lanczos.run(h, Math.min(lanczosSteps, h.dim()), rng.split(), null);
        double lambdaMax = lanczos.ritzValues()[0], residual = lanczos.residual(h, 0);

        Map<String, Object> o = header("sharpness");
        o.put("loss", random.baseLoss());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epsilon", epsilon);
        r.put("directions", unit.size());
        r.put("directions_from", directionsFile != null ? directionsFile.toString() : "unit Gaussian, seed " + seed);
        r.put("s_max", random.max());
        r.put("s_mean", random.mean());
        r.put("std", random.std());
        r.put("increases", random.increases());
        r.put("half_eps2_lambda_max", Sharpness.quadraticPrediction(epsilon, lambdaMax));
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
        b.put("half_rho2_lambda_max", Sharpness.quadraticPrediction(rho, lambdaMax));
        o.put("rho_ball", b);
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("lambda_max", lambdaMax);
        l.put("residual", residual);
        l.put("steps", lanczos.steps());
        l.put("method", "largest Ritz value of Lanczos with full re-orthogonalisation on the Hessian of the same examples; residual ‖Hx − λx‖ of its Ritz vector");
        o.put("lanczos", l);
        if (explain) SharpnessExplain.print(json ? System.err : System.out, f, h, theta, unit, epsilon, random, sam, ball, lambdaMax);
        if (json) {
            printJson(o);
            return 0;
        }
        System.out.println("sharpness  " + f.describe() + ", L(θ) = " + f(random.baseLoss()));
        printStatistics(f.runningStatistics());
        System.out.printf("random directions  ε = %s, m = %d:  S_max %s  S_mean %s  (½ε²λmax %s)%n", f(epsilon), unit.size(),
                f(random.max()), f(random.mean()), f(Sharpness.quadraticPrediction(epsilon, lambdaMax)));
        System.out.printf("adversarial (SAM)  ρ = %s:  S_ρ %s  (‖∇L‖ %s)%n", f(rho), f(sam.sharpness()), f(sam.gradientNorm()));
        System.out.printf("ρ-ball ascent      ρ = %s, %d steps:  %s  (½ρ²λmax %s)%n", f(rho), ball.steps(), f(ball.sharpness()),
                f(Sharpness.quadraticPrediction(rho, lambdaMax)));
        System.out.printf("lambda_max         %s (Lanczos, %d steps; residual ‖Hx − λx‖ %.2e)%n", f(lambdaMax), lanczos.steps(), residual);
        return 0;
    }

    /** A file's directions, each scaled to unit norm unless it is to float32 rounding (as --save-directions writes them). */
    private static List<ParamVector> unitDirectionsFrom(Path file, ParamVector theta) throws IOException {
        List<ParamVector> d = DirectionFile.load(file, theta.layout(), DirectionFile.count(file), theta.backend());
        for (int k = 0; k < d.size(); k++) {
            double norm = d.get(k).norm();
            if (!(norm > 0)) throw new IllegalArgumentException("directions " + file + ": direction d" + (k + 1) + " is zero");
            if (Math.abs(norm - 1) > 1e-5) d.get(k).scal(1 / norm);
        }
        return d;
    }

    /** Before any loading: every radius, count and step the probes will use. */
    private void checkOptions() {
        if (!(epsilon > 0)) throw new IllegalArgumentException("--epsilon must be > 0, got " + epsilon);
        if (directions < 1) throw new IllegalArgumentException("--directions must be ≥ 1, got " + directions);
        if (!(rho > 0)) throw new IllegalArgumentException("--rho must be > 0, got " + rho);
        if (steps < 0) throw new IllegalArgumentException("--ascent-steps must be ≥ 0, got " + steps);
        if (!(eta > 0)) throw new IllegalArgumentException("--ascent-step must be > 0, got " + eta);
        if (lanczosSteps < 1) throw new IllegalArgumentException("--lanczos-steps must be ≥ 1, got " + lanczosSteps);
    }
}
