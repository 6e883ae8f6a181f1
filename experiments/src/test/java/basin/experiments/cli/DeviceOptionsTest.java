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

    /** Every command that runs a model takes --device; correlate only reads result files. */
    @Test
    void everyCommandThatBuildsABackendTakesDeviceWithAutoAsTheDefault() {
        List<String> checked = new java.util.ArrayList<>();
        visit(new CommandLine(new BasinCli()), "basin", checked);
        assertTrue(checked.containsAll(List.of("basin quickstart", "basin train", "basin eval", "basin hvp", "basin probe lambda-max",
                "basin probe hessian", "basin probe slice2d")), "commands checked: " + checked);
    }

    private static void visit(CommandLine command, String path, List<String> checked) {
        if (!command.getSubcommands().isEmpty()) {
            command.getSubcommands().forEach((name, sub) -> visit(sub, path + " " + name, checked));
            return;
        }
        if (path.endsWith(" correlate")) return;
        CommandLine.Model.OptionSpec option = command.getCommandSpec().findOption("--device");
        assertNotNull(option, path + " has no --device");
        assertEquals("auto", option.defaultValue(), path);
        checked.add(path);
    }

    @Test
    void deviceCpuGivesTheCpuBackendAndSaysSoOnStandardError() {
        assertEquals("device  cpu (asked for with --device cpu)", standardErrorOfPickingCpu("false"));
    }

    @Test
    void basinQuietLeavesTheDeviceLineOut() {
        assertEquals("", standardErrorOfPickingCpu("true"));
    }

    /** What picking --device cpu prints on standard error with basin.quiet set to {@code quiet}. */
    private static String standardErrorOfPickingCpu(String quiet) {
        DeviceOptions options = new DeviceOptions();
        new CommandLine(options).parseArgs("--device", "cpu");
        PrintStream err = System.err;
        String before = System.getProperty("basin.quiet");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty("basin.quiet", quiet);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertSame(CpuBackend.get(), options.backend());
        } finally {
            System.setErr(err);
            if (before == null) System.clearProperty("basin.quiet");
            else System.setProperty("basin.quiet", before);
        }
        return captured.toString(StandardCharsets.UTF_8).trim();
    }

    @Test
    void anUnknownDeviceIsRejectedWithTheChoices() {
        DeviceOptions options = new DeviceOptions();
        new CommandLine(options).parseArgs("--device", "tpu");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, options::backend);
        assertTrue(e.getMessage().equals("--device must be auto, cpu or cuda, got 'tpu'"), e.getMessage());
    }
}
