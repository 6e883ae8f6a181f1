package basin.experiments.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --engine}, {@code --master} and {@code --conf} without the distributed module: experiments'
 * tests run without it on the classpath, as a build of the core modules alone does.
 */
class EngineOptionsTest {

    private static String errorOf(String... args) {
        CommandLine cli = BasinCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute(args), err.toString());
        return err.toString().strip();
    }

    private static String[] slice(Path dir, String... engine) {
        String[] base = {"probe", "slice1d", "--model", dir.resolve("m.json").toString(), "--weights", dir.resolve("w.safetensors").toString(),
                "--device", "cpu"};
        String[] all = new String[base.length + engine.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(engine, 0, all, base.length, engine.length);
        return all;
    }

    @Test
    void sparkWithoutTheDistributedModuleSaysWhatToBuildBeforeReadingAnyFile(@TempDir Path dir) {
        String e = errorOf(slice(dir, "--engine", "spark"));
        assertTrue(e.startsWith("basin: --engine spark: no such engine on the classpath"), e);
        assertTrue(e.contains("mvn -q -B -DskipTests -pl distributed -am package"), e);
    }

    @Test
    void anUnknownEngineAndSparkSettingsWithTheLocalEngineAreRefused(@TempDir Path dir) {
        assertEquals("basin: --engine must be local or spark, got 'mpi'", errorOf(slice(dir, "--engine", "mpi")));
        assertEquals("basin: --master applies only with --engine spark", errorOf(slice(dir, "--master", "local[2]")));
        assertEquals("basin: --conf applies only with --engine spark", errorOf(slice(dir, "--conf", "spark.ui.enabled=false")));
    }

    @Test
    void aStudyOnSparkNeedsASweep() {
        assertEquals("basin: --engine spark runs the runs of a sweep as tasks: give --seeds S1,S2,…",
                errorOf("study", "two-minima", "--engine", "spark", "--master", "local[2]"));
    }
}
