package basin.experiments.study;

import basin.engine.data.Dataset;
import basin.engine.probe.landscape.Slice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading a study's configuration (the map {@code configuration(options)} builds and the run folder
 * keeps as {@code config.json}): its {@code probes} section, numbers and grid ranges in it, the
 * epochs its models train for, the probe set it names, and the {@code choices} entries that say why.
 * A configuration read back from JSON holds lists and boxed numbers where the fresh one holds arrays
 * and primitives, so every reader here takes both.
 */
final class StudyConfig {
    private StudyConfig() {
    }

    /** The configuration's {@code probes} section. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> probes(Map<String, Object> config) {
        return (Map<String, Object>) config.get("probes");
    }

    /** The epochs every model of a configuration trains for (the first model's). */
    @SuppressWarnings("unchecked")
    static int epochs(Map<String, Object> config) {
        Map<String, Object> models = (Map<String, Object>) config.get("models");
        Map<String, Object> m = (Map<String, Object>) models.values().iterator().next();
        return ((Number) m.get("epochs")).intValue();
    }

    /** An integer entry of a section, e.g. {@code intOf(probes, "lanczos_steps")}. */
    static int intOf(Map<String, Object> p, String key) {
        return ((Number) p.get(key)).intValue();
    }

    /** A grid axis stored as {@code [from, to, n]}: n evenly spaced values, both ends included. */
    static double[] range(Map<String, Object> p, String key) {
        Object v = p.get(key);
        double[] r = v instanceof double[] d ? d : ((List<?>) v).stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
        return Slice.linspace(r[0], r[1], (int) r[2]);
    }

    /**
     * The examples per HVP of the study's curvature probes: {@code probe_batch} where the configuration
     * sets one (cnn-vs-resnet), else the 500 of {@link StudyProbes}; never more than the probe set.
     */
    static int hvpBatch(Map<String, Object> config) {
        Map<String, Object> p = probes(config);
        int batch = p.containsKey("probe_batch") ? intOf(p, "probe_batch") : 500;
        return p.containsKey("probe_examples") ? Math.min(batch, intOf(p, "probe_examples")) : batch;
    }

    /** The probe set: the first probe_examples examples of the validation split. */
    static Dataset probeSet(StudyContext context, String step) {
        Dataset v = context.data(step).validation();
        return v.first(Math.min(intOf(probes(context.config()), "probe_examples"), v.count()));
    }

    /** One entry of a configuration's {@code choices}: what was chosen where the seed report is silent, and why. */
    static Map<String, String> why(String choice, String reason) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("choice", choice);
        m.put("why", reason);
        return m;
    }
}
