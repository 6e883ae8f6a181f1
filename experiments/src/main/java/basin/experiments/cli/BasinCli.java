package basin.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code basin} command line: one sub-command per job. */
@Command(name = "basin", mixinStandardHelpOptions = true, version = "basin 0.1.0",
        description = "Exact curvature of neural-network loss landscapes.",
        subcommands = {QuickstartCommand.class, TrainCommand.class, EvalCommand.class, HvpCommand.class, ProbeCommand.class})
public final class BasinCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new BasinCli());
        // Errors a user can act on (a missing file, a shape mismatch, a diverged run) print as one
        // message; BASIN_DEBUG=1 adds the stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            commandLine.getErr().println("basin: " + message);
            if (System.getenv("BASIN_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
