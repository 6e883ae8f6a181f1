package basin.experiments.cli;

import basin.kernels.Backend;
import basin.kernels.Devices;
import picocli.CommandLine.Option;

/** The option that picks the backend: {@code --device auto|cpu|cuda}. */
public final class DeviceOptions {

    @Option(names = "--device", defaultValue = "auto",
            description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}): auto uses CUDA when a GPU and its libraries load, else the CPU.")
    String device = "auto";

    /**
     * The backend for {@code --device}, after printing which one was picked and why. The line goes
     * to standard error, so that output meant for other programs ({@code eval --json}) stays clean;
     * with {@code -Dbasin.quiet=true} (the tests' setting, in the root pom's surefire configuration)
     * it is not printed, so that a test log is not one device line per command run.
     */
    Backend backend() {
        Devices.Selection s = Devices.select(Devices.Choice.parse(device));
        if (!Boolean.getBoolean("basin.quiet")) System.err.println("device  " + s.reason());
        return s.backend();
    }
}
