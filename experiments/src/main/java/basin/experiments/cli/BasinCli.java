package basin.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code basin} command line: one sub-command per job. */
@Command(name = "basin", mixinStandardHelpOptions = true, version = "basin 0.1.0",
        description = "Exact curvature of neural-network loss landscapes.",
        subcommands = {ProbeCommand.class})
public final class BasinCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BasinCli()).execute(args));
    }
}
