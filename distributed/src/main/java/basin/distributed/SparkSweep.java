package basin.distributed;

import basin.experiments.scaleout.SweepRecipe;
import basin.experiments.study.Studies;
import basin.experiments.study.Study;
import basin.experiments.study.Sweep;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep's runs as Spark tasks, one seed a task. Runs whose steps have all finished are not
 * submitted; the others resume inside their own run folders (a retried task too), which must lie
 * where every executor sees them. A task's console goes to {@code seed-S.log} beside its folder, since tasks
 * print at the same time; this machine prints one line as each run ends.
 */
final class SparkSweep {
    private SparkSweep() {
    }

    /** One run's outcome: its seed, and why it failed (null when it finished). */
    record Outcome(long seed, String failure) implements java.io.Serializable {
    }

    static List<String> run(JavaSparkContext spark, SweepRecipe recipe, List<Long> seeds, PrintStream console) {
        Study study = Studies.named(recipe.study());
        List<Long> remaining = new ArrayList<>();
        for (long seed : seeds) {
            if (Sweep.finished(study, recipe.options(seed), recipe.runFolder(seed))) {
                console.println("sweep   seed " + seed + ": finished earlier, kept (" + recipe.runFolder(seed) + ")");
            } else {
                remaining.add(seed);
            }
        }
        List<String> failed = new ArrayList<>();
        if (remaining.isEmpty()) return failed;
        console.println("sweep   " + remaining.size() + " runs as Spark tasks (seeds " + remaining + "); each one's log: " + recipe.log(0).getParent() + "/seed-S.log");
        try {
            Jobs.run(spark, spark.parallelize(remaining, remaining.size()), (context, items) -> {
                List<Outcome> outcomes = new ArrayList<>();
                while (items.hasNext()) {
                    long seed = items.next();
                    outcomes.add(new Outcome(seed, runOne(recipe, seed)));
                }
                return outcomes.toArray(new Outcome[0]);
            }, Outcome[].class, (partition, outcomes) -> {
                for (Outcome o : outcomes) {
                    if (o.failure() == null) {
                        console.println("sweep   seed " + o.seed() + ": finished (" + recipe.runFolder(o.seed()) + ")");
                    } else {
                        console.println("sweep   seed " + o.seed() + " failed, the sweep goes on: " + o.failure());
                        failed.add("seed " + o.seed() + ": " + o.failure());
                    }
                }
            });
        } catch (RuntimeException e) {
            throw SparkCluster.failure("sweep", e);
        }
        return failed;
    }

    /** On an executor: one seed's run into its folder, its console to the folder's log. */
    private static String runOne(SweepRecipe recipe, long seed) throws IOException {
        Path dir = recipe.runFolder(seed);
        Files.createDirectories(dir.getParent());
        try (PrintStream log = new PrintStream(Files.newOutputStream(recipe.log(seed), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
            return Sweep.runOne(Studies.named(recipe.study()), recipe.options(seed), dir, log);
        } catch (UncheckedIOException e) {
            return e.getMessage();
        }
    }
}
