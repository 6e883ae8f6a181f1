package basin.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code basin probe …}: curvature and loss-landscape probes. */
@Command(name = "probe", mixinStandardHelpOptions = true, description = "Curvature and loss-landscape probes.",
        subcommands = {LambdaMaxCommand.class, HessianCommand.class, SharpnessCommand.class, NoiseScaleCommand.class,
                Slice1dCommand.class, Slice2dCommand.class, InterpolateCommand.class, CurveCommand.class,
                WeightNoiseCommand.class, CorrelateCommand.class, TrajectoryCommand.class})
public final class ProbeCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
