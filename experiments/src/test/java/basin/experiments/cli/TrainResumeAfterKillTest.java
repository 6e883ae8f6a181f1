package basin.experiments.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code basin train} in a real process, killed with SIGKILL in the middle of an epoch, twice, and
 * rerun with the same command: the final weights are byte for byte those of a run never stopped.
 * The runs' output goes to a file, not a terminal, and so must hold no progress-bar redraws.
 */
class TrainResumeAfterKillTest {
    private static final int EPOCHS = 3;

    @TempDir
    Path tmp;

    /** An MLP wide enough (670k parameters, batch 16: 563 steps an epoch) that an epoch lasts long enough to be killed inside. */
    private Path spec() throws IOException {
        Path spec = tmp.resolve("model.json");
        Files.writeString(spec, "{\"input\":[1,28,28],\"layers\":[{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":512},{\"type\":\"relu\"},"
                + "{\"type\":\"dropout\",\"p\":0.2},{\"type\":\"linear\",\"out\":512},{\"type\":\"relu\"},{\"type\":\"linear\",\"out\":10}]}");
        return spec;
    }

    private Process start(Path spec, Path out, Path log) throws IOException {
        Path data = Path.of("..", "data", "mnist-subset").toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.incubator.vector", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                "basin.experiments.cli.BasinCli", "train", "--model", spec.toString(), "--dataset", "mnist-bundled",
                "--data", data.toString(), "--epochs", String.valueOf(EPOCHS), "--batch", "16", "--lr", "0.02", "--seed", "7",
                "--device", "cpu", "--out", out.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static Path checkpoint(Path out, int epoch) {
        return out.resolve(String.format("epoch-%02d.safetensors", epoch));
    }

    /** Waits until the run has checkpointed {@code epoch} and is well into the next, then kills it (SIGKILL). */
    private static void killDuring(Process p, Path out, int epoch) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(out.resolve("training-state.safetensors")) || !Files.exists(checkpoint(out, epoch))) {
            assertTrue(p.isAlive(), "the run ended before epoch " + epoch + " was checkpointed");
            assertTrue(System.nanoTime() < deadline, "epoch " + epoch + " was not checkpointed within two minutes");
            Thread.sleep(20);
        }
        Thread.sleep(400);
        p.destroyForcibly().waitFor();            // SIGKILL on Linux: no shutdown hooks, no flushing
        assertFalse(Files.exists(checkpoint(out, epoch + 1)), "the kill came after epoch " + (epoch + 1) + " had finished, not during it");
    }

    @Test
    void trainingKilledTwiceMidEpochEndsWithTheBytesOfAnUninterruptedRun() throws Exception {
        Path spec = spec(), straight = tmp.resolve("straight"), killed = tmp.resolve("killed"), log = tmp.resolve("output.log");
        assertEquals(0, start(spec, straight, log).waitFor());

        killDuring(start(spec, killed, log), killed, 1);
        killDuring(start(spec, killed, log), killed, 2);
        assertEquals(0, start(spec, killed, log).waitFor(), Files.readString(log));

        String output = Files.readString(log);
        assertTrue(output.contains("resuming after epoch 1 of 3") && output.contains("resuming after epoch 2 of 3"), output);
        assertArrayEquals(Files.readAllBytes(checkpoint(straight, EPOCHS)), Files.readAllBytes(checkpoint(killed, EPOCHS)),
                "the weights after two kills differ from the uninterrupted run's");
        assertArrayEquals(Files.readAllBytes(straight.resolve("weights.safetensors")), Files.readAllBytes(killed.resolve("weights.safetensors")));
        assertFalse(output.contains("\r"), "output to a file holds carriage returns (progress-bar redraws)");
    }

    @Test
    void anotherConfigurationIntoTheSameFolderIsRefused() throws Exception {
        Path spec = spec(), out = tmp.resolve("run");
        Files.createDirectories(out);
        Files.writeString(out.resolve("run.json"), "{\"epochs\": 99}");
        int status = BasinCli.commandLine().execute("train", "--model", spec.toString(), "--dataset", "mnist-bundled",
                "--data", Path.of("..", "data", "mnist-subset").toString(), "--epochs", "1", "--device", "cpu", "--out", out.toString());
        assertEquals(1, status);
        assertEquals("{\"epochs\": 99}", Files.readString(out.resolve("run.json")), "the refused run changed nothing");
    }
}
