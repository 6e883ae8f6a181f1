package basin.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static basin.distributed.Fixtures.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real cluster of separate processes on loopback: a standalone Spark master and two workers, each
 * a JVM of its own started from the Spark jars on the test classpath (their main classes, as
 * Spark's sbin scripts start them), one core each. The workers start executor JVMs of their own, so
 * the model, its data and the points cross process boundaries as they would between machines. The
 * same equalities as in local mode: the grid file point for point, and probe hessian's eigenvalues.
 */
class StandaloneClusterTest {
    @TempDir
    static Path dir;
    private static Fixtures models;
    private static final List<Process> processes = new ArrayList<>();
    private static String master;

    @BeforeAll
    static void startCluster() throws Exception {
        models = Fixtures.in(dir);
        int port = freePort(), ui = freePort();
        // The workers build their executors' command from SPARK_HOME/jars (empty here) and the classpath given below.
        Path sparkHome = Files.createDirectories(dir.resolve("spark-home").resolve("jars")).getParent();
        start("master", "org.apache.spark.deploy.master.Master", sparkHome, "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--webui-port", Integer.toString(ui));
        master = "spark://127.0.0.1:" + port;
        for (int w = 1; w <= 2; w++) {
            start("worker-" + w, "org.apache.spark.deploy.worker.Worker", sparkHome, "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                    "--webui-port", "0", "--work-dir", Files.createDirectories(dir.resolve("work-" + w)).toString(), master);
        }
        awaitWorkers(ui, 2, 60_000);
    }

    @AfterAll
    static void stopCluster() {
        for (Process p : processes) p.destroy();
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A child JVM with this test's classpath and Spark's Java 17 flags, its output to a log file in the test folder. */
    private static void start(String name, String mainClass, Path sparkHome, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(System.getProperty("basin.test.sparkJvmArgs", "").trim().split("\\s+")));
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        command.removeIf(String::isEmpty);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        processes.add(pb.start());
    }

    /** Waits until the master's status page lists {@code count} live workers. */
    private static void awaitWorkers(int ui, int count, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            try (InputStream in = new URL("http://127.0.0.1:" + ui + "/json/").openStream()) {
                JsonNode status = new ObjectMapper().readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (status.path("aliveworkers").asInt() >= count) return;
                last = status.toString();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the standalone cluster did not come up with " + count + " workers in " + millis + " ms: " + last
                + "; logs in " + dir);
    }

    /** The settings that point a command at the cluster: the executors get this JVM's classpath (Basin's classes and Spark's). */
    private static List<String> cluster() {
        return List.of("--engine", "spark", "--master", master, "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.executor.memory=512m", "--conf", "spark.executor.extraClassPath=" + System.getProperty("java.class.path"));
    }

    @Test
    void slice2dOnAStandaloneClusterEqualsTheLocalRunPointForPoint() throws Exception {
        Path local = dir.resolve("local.jsonl"), spark = dir.resolve("cluster.jsonl");
        List<String> args = concat(List.of("probe", "slice2d"), "--alphas=-1:1:4", "--betas=-1:1:3");
        args.addAll(models.modelA(100));
        JsonNode l = Fixtures.json(concat(args, "--out", local.toString(), "--threads", "2"));
        JsonNode s = Fixtures.json(concat(concat(args, "--out", spark.toString()), cluster().toArray(new String[0])));
        assertEquals(l.get("losses"), s.get("losses"));
        assertEquals(Fixtures.readGrid(local).points(), Fixtures.readGrid(spark).points());
        assertTrue(s.get("engine").asText().startsWith("spark " + master), s.get("engine").asText());
        for (int w = 1; w <= 2; w++) {
            try (var apps = Files.list(dir.resolve("work-" + w))) {
                assertTrue(apps.anyMatch(app -> app.getFileName().toString().startsWith("app-")), "worker " + w + " ran no executor");
            }
        }
    }

    @Test
    void probeHessianOnAStandaloneClusterFindsTheLocalEigenvalues() throws Exception {
        List<String> args = concat(List.of("probe", "hessian"), "--top-k", "2", "--lanczos-steps", "6", "--batch", "25");
        args.addAll(models.modelA(100));
        JsonNode local = Fixtures.json(args), spark = Fixtures.json(concat(args, cluster().toArray(new String[0])));
        for (int i = 0; i < 2; i++) {
            assertEquals(local.get("eigenvalues").get(i).asDouble(), spark.get("eigenvalues").get(i).asDouble(),
                    1e-4 * Math.abs(local.get("lambda_max").asDouble()), "eigenvalue " + (i + 1) + " (float32 rounding of the sums, see SparkCurvatureOperatorTest)");
        }
    }
}
