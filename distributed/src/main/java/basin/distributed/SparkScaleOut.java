package basin.distributed;

import basin.experiments.scaleout.Cluster;
import basin.experiments.scaleout.ScaleOut;

import java.util.Map;

/** {@code --engine spark}: Apache Spark, found by {@link java.util.ServiceLoader} through META-INF/services. */
public final class SparkScaleOut implements ScaleOut {

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public Cluster connect(String application, String master, Map<String, String> conf) {
        return new SparkCluster(application, master, conf);
    }
}
