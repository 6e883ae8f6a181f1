package basin.experiments.study;

import basin.experiments.report.RunFolder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A study's run folder and its record of finished steps. The folder holds
 * <pre>
 *   study.json    which study wrote it, and the version of its layout
 *   config.json   every choice the run made (the study's configuration)
 *   steps.json    the steps finished so far, each with the hash of the configuration it ran under
 * </pre>
 * and each step's own outputs. Steps run in their declared order; a step whose record is there with
 * the current configuration's hash is skipped, so rerunning the same command resumes after the last
 * finished step (and a training step resumes inside itself from its last finished epoch). A folder
 * written by another study, by a newer layout, or under a different configuration is refused with
 * a message naming what differs, and nothing in it is touched.
 */
public final class StudyRun {
    /** The layout of the run folder this code writes; a folder with a larger number is refused. */
    public static final int LAYOUT_VERSION = 1;

    /** One finished step, as {@code steps.json} records it. */
    public record StepRecord(String name, String configHash, double seconds) {
    }

    private final RunFolder folder;
    private final String study;
    private final Map<String, Object> config;
    private final String configHash;
    private final List<StepRecord> finished;
    private final PrintStream console;

    /**
     * Opens (or starts) the run folder {@code dir} for {@code study} with {@code config}.
     *
     * @throws StudyException if the folder belongs to another study, a newer layout, or another configuration
     */
    public StudyRun(Path dir, String study, Map<String, Object> config, PrintStream console) {
        this.study = study;
        this.config = config;
        this.configHash = hash(config);
        this.console = console;
        checkFolder(dir, study, config);
        this.folder = new RunFolder(dir);
        this.finished = readSteps(dir.resolve("steps.json"));
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("study", study);
        identity.put("layout_version", LAYOUT_VERSION);
        identity.put("written_by", "basin 0.1.0");
        if (!Files.exists(dir.resolve("study.json"))) folder.writeJson("study.json", identity);
        if (!Files.exists(dir.resolve("config.json"))) folder.writeJson("config.json", config);
    }

    public RunFolder folder() {
        return folder;
    }

    public Path path() {
        return folder.path();
    }

    public Map<String, Object> config() {
        return config;
    }

    /** SHA-256 of the configuration's JSON, the same for the same choices. */
    public String configHash() {
        return configHash;
    }

    public PrintStream console() {
        return console;
    }

    /** Whether step {@code name} finished under this configuration. */
    public boolean isFinished(String name) {
        return finished.stream().anyMatch(r -> r.name().equals(name) && r.configHash().equals(configHash));
    }

    /** The steps finished so far, in the order they finished. */
    public List<StepRecord> finishedSteps() {
        return List.copyOf(finished);
    }

    /**
     * Runs the steps in order, skipping those already finished, and records each as it finishes.
     * A failing step is reported as {@code study NAME, step STEP: reason}; the steps before it stay
     * recorded, so the next run starts at the failing one.
     */
    public void run(List<Step> steps) {
        int n = steps.size();
        for (int i = 0; i < n; i++) {
            Step step = steps.get(i);
            String prefix = String.format("[%d/%d] %s", i + 1, n, step.name());
            if (isFinished(step.name())) {
                console.println(prefix + ": finished earlier, kept");
                continue;
            }
            console.println(prefix + ": " + step.description());
            long start = System.nanoTime();
            try {
                step.action().run(this);
            } catch (StudyException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new StudyException("study " + study + ", step " + step.name() + ": " + messageOf(e), e);
            } catch (IOException e) {
                throw new StudyException("study " + study + ", step " + step.name() + ": " + messageOf(e), e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            finished.add(new StepRecord(step.name(), configHash, seconds));
            folder.writeJson("steps.json", finished);
            console.printf(java.util.Locale.ROOT, "%s: done in %.1f s%n", prefix, seconds);
        }
    }

    private static String messageOf(Throwable e) {
        if (e instanceof java.nio.file.NoSuchFileException f) return "no such file: " + f.getFile();
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Refuses a folder that another study, a newer layout or another configuration wrote. */
    private static void checkFolder(Path dir, String study, Map<String, Object> config) {
        Path identity = dir.resolve("study.json"), stored = dir.resolve("config.json");
        try {
            if (Files.exists(identity)) {
                JsonNode id = RunFolder.JSON.readTree(identity.toFile());
                String other = id.path("study").asText("");
                if (!other.equals(study)) {
                    throw new StudyException(dir + " holds a run of study '" + other + "', not '" + study
                            + "'; nothing was changed there: choose another --out");
                }
                int version = id.path("layout_version").asInt(-1);
                if (version > LAYOUT_VERSION || version < 1) {
                    throw new StudyException(dir + " was written by a run-folder layout " + version + " (this basin writes "
                            + LAYOUT_VERSION + "); nothing was changed there: use the basin that wrote it, or another --out");
                }
            } else if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new StudyException(dir + " is not empty and holds no study.json: it is not a study's run folder; "
                                + "nothing was changed there: choose another --out");
                    }
                }
            }
            if (Files.exists(stored)) {
                JsonNode before = RunFolder.JSON.readTree(stored.toFile());
                JsonNode now = RunFolder.JSON.readTree(RunFolder.JSON.writeValueAsString(config));
                List<String> differences = new ArrayList<>();
                diff("", before, now, differences);
                if (!differences.isEmpty()) {
                    throw new StudyException(dir + " holds a run of " + study + " made with another configuration ("
                            + String.join("; ", differences) + "); rerun with the same options to resume it, or choose another --out");
                }
            }
        } catch (IOException e) {
            throw new StudyException(dir + ": cannot read its run records: " + e.getMessage(), e);
        }
    }

    /** The keys whose values differ between two configurations, as "key: before → now". */
    public static void diff(String path, JsonNode before, JsonNode now, List<String> out) {
        if (before.isObject() && now.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            before.fieldNames().forEachRemaining(keys::add);
            now.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                String p = path.isEmpty() ? k : path + "." + k;
                JsonNode b = before.get(k), n = now.get(k);
                if (b == null) out.add(p + ": absent → " + n);
                else if (n == null) out.add(p + ": " + b + " → absent");
                else diff(p, b, n, out);
            }
        } else if (before.isNumber() && now.isNumber()) {
            // 7 written as a long and read back as an int is the same choice
            if (before.decimalValue().compareTo(now.decimalValue()) != 0) out.add(path + ": " + before + " → " + now);
        } else if (!before.equals(now)) {
            out.add(path + ": " + before + " → " + now);
        }
    }

    private static List<StepRecord> readSteps(Path file) {
        if (!Files.exists(file)) return new ArrayList<>();
        List<StepRecord> steps;
        try {
            steps = RunFolder.JSON.readValue(file.toFile(), new TypeReference<List<StepRecord>>() { });
        } catch (IOException e) {
            throw notSteps(file, e.getMessage(), e);
        }
        // Jackson reads `null`, `[null]` and `[{}]` without complaint; each would fail later as a NullPointerException.
        if (steps == null) throw notSteps(file, "it holds null", null);
        for (int i = 0; i < steps.size(); i++) {
            StepRecord r = steps.get(i);
            if (r == null || r.name() == null || r.configHash() == null) {
                throw notSteps(file, "record " + i + " is " + (r == null ? "null" : "missing its name or configHash"), null);
            }
        }
        return new ArrayList<>(steps);
    }

    private static StudyException notSteps(Path file, String why, Throwable cause) {
        return new StudyException(file + ": not a list of finished steps (" + why
                + "); nothing was changed: move the folder aside or choose another --out", cause);
    }

    /** SHA-256 of the JSON text of a configuration (maps keep their declared order, so the text is stable). */
    public static String hash(Map<String, Object> config) {
        try {
            byte[] json = RunFolder.JSON.writeValueAsString(config).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
