package basin.experiments.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The {@code basin} command line: one sub-command per job. */
@Command(name = "basin", mixinStandardHelpOptions = true, version = "basin 0.1.0",
        description = "Exact curvature of neural-network loss landscapes.",
        subcommands = {QuickstartCommand.class, StudyCommand.class, TrainCommand.class, EvalCommand.class, HvpCommand.class, ProbeCommand.class,
                BenchCommand.class})
public final class BasinCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with its error handling: errors a user can act on (a missing file, a shape
     * mismatch, a diverged run) print as one message ({@link #message}); BASIN_DEBUG=1 adds the stack trace.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new BasinCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("basin: " + message(e));
            if (System.getenv("BASIN_DEBUG") != null) e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli;
    }

    /**
     * The one line an error prints. A file that cannot be opened is named with the reason, since
     * java.nio's exceptions carry only the path ("runs/a/weights.safetensors") as their message.
     */
    static String message(Throwable e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof NoSuchFileException || c instanceof AccessDeniedException) {
                String file = ((java.nio.file.FileSystemException) c).getFile();
                String reason = c instanceof NoSuchFileException ? "no such file" : "permission denied";
                return message.equals(file) || message.equals(c.getMessage()) ? reason + ": " + file : message + " (" + reason + ")";
            }
        }
        return message;
    }
}
