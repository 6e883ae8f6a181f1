package basin.experiments.cli;

import basin.experiments.report.RunFolder;
import basin.experiments.scaleout.Cluster;
import basin.experiments.scaleout.SweepRecipe;
import basin.experiments.study.Studies;
import basin.experiments.study.Study;
import basin.experiments.study.StudyChecks;
import basin.experiments.study.StudyOptions;
import basin.experiments.study.StudyRun;
import basin.experiments.study.Sweep;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code basin study NAME}: runs one of the studies of {@code shared/studies.md} into a run folder,
 * resumably; {@code basin study list} lists them; {@code basin study check RUN_DIR} re-verifies a
 * finished run's consistency (barrier, path ends, plane, weight noise at σ = 0).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = {"Run a study with one command: train its models, probe them, write tables, plots and report.html.",
                "basin study list            the studies, their data and how long they take",
                "basin study NAME [options]  run (or resume) a study",
                "basin study check RUN_DIR   re-verify a finished run's consistency"})
public final class StudyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "A study (basin study list), or list, or check.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "RUN_DIR", description = "For check: the run folder.")
    Path checkDir;

    @Option(names = "--quick", description = "A small subset and few epochs, every probe on smaller grids (a few minutes on 2 cores).")
    boolean quick;

    @Option(names = "--dataset", description = "The dataset (default: the study's own).")
    String dataset;

    @Option(names = "--data", description = "Folder holding the dataset's files.")
    Path data;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--epochs", description = "Epochs per model (default: the study's).")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Added to each model's seed; also seeds the validation split and the probes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", split = ",", description = "A sweep: one run per seed in RUN_DIR/seed-S, then correlations across them.")
    List<Long> seeds;

    @Option(names = "--normalisation", description = "unit (pixels in [0, 1]) or standard ((x − mean)/std); default: the study's.")
    String normalisation;

    @Option(names = "--train-limit", description = "Use only the first N training examples.")
    Integer trainLimit;

    @Option(names = "--out", description = "Run folder (default: runs/NAME, runs/NAME-quick with --quick).")
    Path out;

    @Option(names = "--json", description = "Print summary.json at the end.")
    boolean json;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (name.equals("list")) {
            for (Study s : Studies.all()) {
                System.out.printf("%-12s %s%n%12s data: %s%n%12s time: %s%n", s.name(), s.summary(), "", s.data(), "", s.duration());
            }
            return 0;
        }
        if (name.equals("check")) {
            if (checkDir == null) throw new IllegalArgumentException("basin study check RUN_DIR: name the run folder");
            List<String> lines = StudyChecks.check(checkDir, device);
            lines.forEach(System.out::println);
            return 0;
        }
        Study study = Studies.named(name);
        StudyOptions options = new StudyOptions(quick, dataset, data, device, epochs, seed, normalisation, trainLimit);
        Path dir = out != null ? out : Path.of("runs", name + (quick ? "-quick" : "") + (seeds != null ? "-sweep" : ""));
        if (engine.distributed() && seeds == null) {
            throw new IllegalArgumentException("--engine spark runs the runs of a sweep as tasks: give --seeds S1,S2,…");
        }
        engine.check();
        if (seeds != null) {
            System.out.println("sweep   " + name + (quick ? " (quick)" : "") + " over seeds " + seeds + ": " + study.summary());
            if (engine.distributed()) {
                try (Cluster cluster = engine.connect("study " + name)) {
                    System.out.println("engine  " + cluster.describe());
                    SweepRecipe recipe = SweepRecipe.of(name, options, dir);
                    Sweep.run(study, seeds, dir, remaining -> cluster.sweep(recipe, remaining, System.out));
                }
            } else {
                Sweep.run(study, options, seeds, dir, System.out);
            }
            System.out.println("done    " + dir.resolve("report.html") + ", " + dir.resolve("tables/correlations.md"));
            return 0;
        }
        Map<String, Object> config = study.configuration(options);
        System.out.println("study   " + name + (quick ? " (quick)" : "") + ": " + study.summary());
        System.out.println("run     " + dir);
        StudyRun run = new StudyRun(dir, name, config, System.out);
        long start = System.nanoTime();
        run.run(study.steps(options, config));
        System.out.printf(java.util.Locale.ROOT, "done    %s in %.1f s: %s%n", name, (System.nanoTime() - start) / 1e9, dir.resolve("report.html"));
        if (json && Files.exists(dir.resolve("summary.json"))) {
            System.out.println(RunFolder.JSON.writeValueAsString(RunFolder.JSON.readTree(dir.resolve("summary.json").toFile())));
        }
        return 0;
    }

    /** {@code basin study NAME ARGS} as a study's Java main runs it: the exit status. */
    public static int run(String study, String[] args) {
        String[] withCommand = new String[args.length + 2];
        withCommand[0] = "study";
        withCommand[1] = study;
        System.arraycopy(args, 0, withCommand, 2, args.length);
        return BasinCli.commandLine().execute(withCommand);
    }
}
