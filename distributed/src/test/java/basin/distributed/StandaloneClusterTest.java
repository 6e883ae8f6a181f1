package basin.distributed;

import basin.engine.data.Split;
import basin.engine.linalg.ParamVector;
import basin.engine.nn.Mode;
import basin.engine.nn.Objective;
import basin.engine.probe.curvature.Curvature;
import basin.engine.probe.curvature.HessianOperator;
import basin.engine.probe.landscape.DatasetLoss;
import basin.engine.probe.landscape.GridFile;
import basin.engine.probe.landscape.Slice;
import basin.experiments.scaleout.CurvatureRecipe;
import basin.experiments.scaleout.ModelRecipe;
import basin.experiments.scaleout.SurfaceRecipe;
import basin.kernels.cpu.CpuBackend;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real cluster of separate processes on loopback: a standalone Spark master and two workers, each
 * a JVM of its own started from the Spark jars on the test classpath (their main classes, as
 * Spark's sbin scripts start them), one core each. The workers start executor JVMs of their own, so
 * the model, its data and the points cross process boundaries as they would between machines. The
 * same equalities as in local mode: a plane's grid file point for point, and a dataset HVP to float32 rounding.
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

    /** The settings that point a driver at the cluster: the executors get this JVM's classpath (Basin's classes and Spark's). */
    private static Map<String, String> settings() {
        return Map.of("spark.ui.enabled", "false", "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
                "spark.executor.memory", "512m", "spark.executor.extraClassPath", System.getProperty("java.class.path"));
    }

    @Test
    void aPlaneAndADatasetHessianOnAStandaloneClusterEqualTheLocalOnes() throws Exception {
        // One application for both, so that the executors start once (a few seconds each on two cores).
        ModelRecipe model = ModelRecipe.of(models.spec, models.weightsA, "mnist-bundled", models.data, Split.TEST, 100, "cpu");
        SurfaceRecipe loss = new SurfaceRecipe(model, 30, false, null, 0);
        DatasetLoss f = loss.build();
        ParamVector theta = model.load(model.model(), CpuBackend.get());
        ParamVector d1 = Fixtures.gaussian(f.model(), 1), d2 = Fixtures.gaussian(f.model(), 2);
        d1.scal(0.1 * theta.norm() / d1.norm());
        d2.scal(0.1 * theta.norm() / d2.norm());
        double[] alphas = Slice.linspace(-1, 1, 4), betas = Slice.linspace(-1, 1, 3);
        Map<String, Object> grid = Map.of("probe", "standalone test");
        Path local = dir.resolve("local.jsonl"), spark = dir.resolve("cluster.jsonl");
        Slice.Result l, s;
        try (GridFile log = GridFile.open(local, grid)) {
            l = Slice.plane(f, theta, d1, d2, alphas, betas, 2, log);
        }
        HessianOperator localH = HessianOperator.over(new Objective(f.model(), Mode.EVAL), theta, model.data(), 30);
        ParamVector v = Fixtures.gaussian(f.model(), 3);
        ParamVector localHv = localH.apply(v), sparkHv;
        try (SparkCluster cluster = new SparkCluster("standalone test", master, settings())) {
            assertTrue(cluster.describe().startsWith("spark " + master), cluster.describe());
            try (GridFile log = GridFile.open(spark, grid)) {
                s = Slice.plane(cluster.grid(loss), theta, d1, d2, alphas, betas, log);
            }
            sparkHv = cluster.curvature(new CurvatureRecipe(model, 30, Mode.EVAL, Curvature.HESSIAN, 1, 0), theta, 100).apply(v);
        }
        assertArrayEquals(l.losses(), s.losses());
        assertArrayEquals(l.accuracies(), s.accuracies());
        assertEquals(Fixtures.readGrid(local).points(), Fixtures.readGrid(spark).points());
        // Float32 rounding of the sum over 4 batches in another order (see SparkCurvatureOperatorTest).
        float[] e = localHv.toHost(), a = sparkHv.toHost();
        double scale = 0;
        for (float x : e) scale = Math.max(scale, Math.abs(x));
        for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 2e-6 * scale, "H v entry " + i);
        // The executors ran in the workers' JVMs, one on each.
        for (int w = 1; w <= 2; w++) {
            try (var apps = Files.list(dir.resolve("work-" + w))) {
                assertTrue(apps.anyMatch(app -> app.getFileName().toString().startsWith("app-")), "worker " + w + " ran no executor");
            }
        }
    }
}
