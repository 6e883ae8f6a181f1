package basin.experiments.cli;

import basin.experiments.scaleout.Cluster;
import basin.experiments.scaleout.ScaleOut;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --engine local|spark}, {@code --master URL} and {@code --conf KEY=VALUE}: where a command's
 * grid points, curvature products or sweep runs are computed. {@code local} (the default) is this
 * machine's threads; {@code spark} hands them to Apache Spark, embedded ({@code --master local[*]},
 * nothing to install) or on a cluster ({@code spark://host:7077}, YARN, Kubernetes), through the
 * {@code distributed} module, which is found on the classpath ({@link ScaleOut}).
 */
public final class EngineOptions {

    @Option(names = "--engine", defaultValue = "local",
            description = "local (this machine's threads, the default) or spark (Apache Spark; the distributed module must be built).")
    String engine = "local";

    @Option(names = "--master", description = "With --engine spark: the Spark master, e.g. local[2] or spark://host:7077 "
            + "(default: the one spark-submit set, else local[*], Spark embedded in this process).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "With --engine spark: a Spark setting, passed through (repeatable), "
            + "e.g. --conf spark.executor.memory=4g.")
    Map<String, String> conf = new LinkedHashMap<>();

    /** Whether the work goes to a cluster. */
    boolean distributed() {
        switch (engine) {
            case "local":
                if (master != null || !conf.isEmpty()) {
                    throw new IllegalArgumentException((master != null ? "--master" : "--conf") + " applies only with --engine spark");
                }
                return false;
            case "spark":
                return true;
            default:
                throw new IllegalArgumentException("--engine must be local or spark, got '" + engine + "'");
        }
    }

    /** Checks the options, and that the engine is on the classpath, before a command does any work. */
    void check() {
        if (distributed()) ScaleOut.named(engine);
    }

    /** A connection to the cluster, for {@code application} (its name in Spark's UI). */
    Cluster connect(String application) {
        return ScaleOut.named(engine).connect("basin " + application, master, conf);
    }
}
