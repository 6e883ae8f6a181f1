package basin.experiments.study;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the seed corpus of {@link StudyRunFuzzTest} with {@link StudyRun} itself: a fresh run
 * folder, and one with a finished step, each as its three records joined by NUL bytes. Run once
 * from the module folder with the test class path and {@code src/test/resources} as argument.
 */
public final class StudyRunSeedCorpus {
    private StudyRunSeedCorpus() {
    }

    /** Writes the seeds under {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path inputs = Path.of(args[0]).resolve("basin/experiments/study/StudyRunFuzzTestInputs/runFolderOpensOrIsRefused");
        Files.createDirectories(inputs);
        Path fresh = Files.createTempDirectory("basin-seed").resolve("run");
        new StudyRun(fresh, StudyRunFuzzTest.STUDY, StudyRunFuzzTest.config(), new PrintStream(new ByteArrayOutputStream()));
        Files.write(inputs.resolve("seed-fresh-run"), join(fresh, 2));
        StudyRun resumed = new StudyRun(fresh, StudyRunFuzzTest.STUDY, StudyRunFuzzTest.config(), new PrintStream(new ByteArrayOutputStream()));
        resumed.run(List.of(new Step("train", "nothing, for the seed", run -> { })));
        Files.write(inputs.resolve("seed-one-step-finished"), join(fresh, 3));
    }

    private static byte[] join(Path dir, int files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int f = 0; f < files; f++) {
            if (f > 0) out.write(0);
            out.writeBytes(Files.readAllBytes(dir.resolve(StudyRunFuzzTest.FILES[f])));
        }
        return out.toByteArray();
    }
}
