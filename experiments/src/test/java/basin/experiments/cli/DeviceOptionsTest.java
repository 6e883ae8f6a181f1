package basin.experiments.cli;

import basin.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceOptionsTest {

    @Test
    void everyCommandThatBuildsABackendTakesDeviceWithAutoAsTheDefault() {
        CommandLine cli = new CommandLine(new BasinCli());
        List<List<String>> commands = new java.util.ArrayList<>(List.of(List.of("quickstart"), List.of("train"), List.of("eval"), List.of("hvp"),
                List.of("probe", "lambda-max"), List.of("probe", "hessian")));
        for (String probe : List.of("sharpness", "noise-scale", "slice1d", "slice2d", "interpolate", "curve", "weight-noise")) commands.add(List.of("probe", probe));
        for (List<String> path : commands) {
            CommandLine command = cli;
            for (String name : path) command = command.getSubcommands().get(name);
            CommandLine.Model.OptionSpec option = command.getCommandSpec().findOption("--device");
            assertNotNull(option, "basin " + String.join(" ", path) + " has no --device");
            assertEquals("auto", option.defaultValue(), "basin " + String.join(" ", path));
        }
    }

    @Test
    void deviceCpuGivesTheCpuBackendAndSaysSoOnStandardError() {
        DeviceOptions options = new DeviceOptions();
        new CommandLine(options).parseArgs("--device", "cpu");
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertSame(CpuBackend.get(), options.backend());
        } finally {
            System.setErr(err);
        }
        assertEquals("device  cpu (asked for with --device cpu)", captured.toString(StandardCharsets.UTF_8).trim());
    }

    @Test
    void anUnknownDeviceIsRejectedWithTheChoices() {
        DeviceOptions options = new DeviceOptions();
        new CommandLine(options).parseArgs("--device", "tpu");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, options::backend);
        assertTrue(e.getMessage().equals("--device must be auto, cpu or cuda, got 'tpu'"), e.getMessage());
    }
}
