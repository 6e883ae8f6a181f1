package basin.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code basin probe …}: curvature probes. */
@Command(name = "probe", mixinStandardHelpOptions = true, description = "Curvature probes.",
        subcommands = {LambdaMaxCommand.class, HessianCommand.class})
public final class ProbeCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
