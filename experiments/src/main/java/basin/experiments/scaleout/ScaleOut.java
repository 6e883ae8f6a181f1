package basin.experiments.scaleout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A distributed engine Basin can hand its grids, dataset HVPs and sweeps to ({@code --engine NAME}).
 * Implementations live outside the core modules (the {@code distributed} module's Spark engine) and
 * are found through {@link ServiceLoader}, so nothing in kernels, autodiff, engine or experiments
 * depends on them: without the module on the classpath, {@code --engine spark} is refused with a
 * message that says what to build.
 */
public interface ScaleOut {

    /** The name {@code --engine} takes, e.g. {@code spark}. */
    String name();

    /**
     * Connects to a cluster: {@code master} is the engine's own address ({@code local[*]},
     * {@code spark://host:7077}, or null for the one a submit tool set), {@code conf} its settings
     * passed through as given ({@code --conf key=value}).
     */
    Cluster connect(String application, String master, Map<String, String> conf);

    /** The engine called {@code name} on the classpath, or an error naming what to build. */
    static ScaleOut named(String name) {
        List<String> found = new ArrayList<>();
        for (ScaleOut s : ServiceLoader.load(ScaleOut.class)) {
            if (s.name().equals(name)) return s;
            found.add(s.name());
        }
        throw new IllegalArgumentException("--engine " + name + ": no such engine on the classpath"
                + (found.isEmpty() ? "" : " (found: " + String.join(", ", found) + ")")
                + "; the Spark engine is the distributed module: build it with `mvn -q -B -DskipTests -pl distributed -am package`"
                + " and run through ./basin, which puts distributed/target/basin-distributed-*.jar and distributed/target/lib on the classpath");
    }
}
