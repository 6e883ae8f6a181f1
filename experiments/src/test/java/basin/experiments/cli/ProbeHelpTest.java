package basin.experiments.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The help of every {@code basin probe} command: every option says what it does, and the text formats cleanly. */
class ProbeHelpTest {

    private static Map<String, CommandLine> probes() {
        return new CommandLine(new BasinCli()).getSubcommands().get("probe").getSubcommands();
    }

    @Test
    void everyProbeOptionHasADescription() {
        List<String> bare = new ArrayList<>();
        for (Map.Entry<String, CommandLine> c : probes().entrySet()) {
            for (OptionSpec o : c.getValue().getCommandSpec().options()) {
                if (String.join("", o.description()).isBlank()) bare.add(c.getKey() + " " + o.longestName());
            }
        }
        assertEquals(List.of(), bare, "options without a description");
    }

    @Test
    void everyProbeHelpFormatsWithoutAPicocliWarning() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> helps = new ArrayList<>();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            for (CommandLine c : probes().values()) helps.add(c.getUsageMessage());
        } finally {
            System.setErr(saved);
        }
        String warnings = err.toString(StandardCharsets.UTF_8);
        assertTrue(warnings.isEmpty(), warnings);         // e.g. a bare % in a description, which picocli reads as a format
        assertTrue(String.join(" ", helps).replaceAll("\\s+", " ").contains("(default: 1% of the spread"), "probe hessian --sigma's default");
    }
}
