package basin.distributed;

import basin.engine.linalg.ParamVector;
import basin.engine.probe.curvature.CurvatureOperator;
import basin.engine.probe.landscape.GridEngine;
import basin.experiments.scaleout.Cluster;
import basin.experiments.scaleout.CurvatureRecipe;
import basin.experiments.scaleout.SurfaceRecipe;
import basin.experiments.scaleout.SweepRecipe;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * A Spark context for one command. The master is {@code --master}, else the one {@code spark-submit}
 * set, else {@code local[*]}: Spark embedded in this JVM, its executors threads of this process.
 * Settings given with {@code --conf} pass through as they are.
 */
final class SparkCluster implements Cluster {
    /** Every Basin JVM needs the Vector API (the CPU GEMM); Spark adds its own --add-opens flags for Java 17 to the executors'. */
    static final String VECTOR_MODULE = "--add-modules jdk.incubator.vector";

    private final JavaSparkContext spark;
    private final String description;

    SparkCluster(String application, String master, Map<String, String> settings) {
        SparkConf conf = new SparkConf().setAppName(application);          // spark.* system properties (spark-submit's) included
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        settings.forEach(conf::set);
        String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
        if (!executorOptions.contains("jdk.incubator.vector")) {
            conf.set("spark.executor.extraJavaOptions", (executorOptions + " " + VECTOR_MODULE).trim());
        }
        this.spark = new JavaSparkContext(conf);
        this.description = "spark " + spark.master() + ", " + spark.defaultParallelism() + " cores";
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public GridEngine grid(SurfaceRecipe loss) {
        return new SparkGrid(spark, loss);
    }

    @Override
    public CurvatureOperator curvature(CurvatureRecipe recipe, ParamVector theta, int examples) {
        return new SparkCurvatureOperator(spark, recipe, theta, examples);
    }

    @Override
    public List<String> sweep(SweepRecipe recipe, List<Long> seeds, PrintStream console) {
        return SparkSweep.run(spark, recipe, seeds, console);
    }

    @Override
    public void close() {
        spark.stop();
    }

    /**
     * A failed job as one message: Spark's own starts "Job aborted due to stage failure: Task 3 in
     * stage 0.0 failed 4 times, most recent failure: …" and goes on with the executor's stack
     * trace; its first line names the task and the cause (a grid point's index and coordinates).
     */
    static RuntimeException failure(String what, RuntimeException e) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        int end = message.indexOf('\n');
        return new IllegalStateException("spark " + what + ": " + (end < 0 ? message : message.substring(0, end)), e);
    }
}
