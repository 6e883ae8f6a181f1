package basin.kernels.cuda;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed PTX (src/main/resources/basin/kernels/cuda/ptx) is what build-ptx.sh makes from
 * src/main/cuda, and assembles for Turing (sm_75, the lowest target CUDA 13 keeps) and Hopper
 * (sm_90). Needs nvcc and ptxas; skipped with a message where they are not installed.
 */
class PtxSourceTest {
    private static final Path CUDA_SOURCES = Paths.get("src/main/cuda");
    private static final Path COMMITTED = Paths.get("src/main/resources/basin/kernels/cuda/ptx");

    @BeforeAll
    static void runFromTheKernelsModule() {
        assertTrue(Files.isDirectory(CUDA_SOURCES), "run from the kernels module (Maven does): " + CUDA_SOURCES.toAbsolutePath());
    }

    @Test
    void everyCudaSourceHasCommittedPtxAndNoPtxIsLeftWithoutASource() throws IOException {
        List<String> sources = names(CUDA_SOURCES, ".cu"), ptx = names(COMMITTED, ".ptx");
        assertEquals(sources, ptx, "build-ptx.sh makes one .ptx per .cu");
        assertEquals(sources, PtxModules.MODULES.stream().sorted().collect(Collectors.toList()), "PtxModules.MODULES loads every module");
    }

    @Test
    void committedPtxIsWhatNvccMakesFromTheSources(@TempDir Path fresh) throws Exception {
        assumeTrue(onPath("nvcc") && onPath("ptxas"), "nvcc/ptxas not installed: cannot regenerate the PTX to compare (skipped)");
        Result build = run(List.of("bash", CUDA_SOURCES.resolve("build-ptx.sh").toString(), fresh.toString()));
        assertEquals(0, build.status, "build-ptx.sh failed:\n" + build.output);
        String localRelease = release(Files.readString(fresh.resolve("elementwise.ptx")));
        for (String name : names(CUDA_SOURCES, ".cu")) {
            String committed = Files.readString(COMMITTED.resolve(name + ".ptx"));
            String regenerated = Files.readString(fresh.resolve(name + ".ptx"));
            if (release(committed).equals(localRelease)) {
                assertEquals(body(regenerated), body(committed), name + ".ptx is stale: run kernels/src/main/cuda/build-ptx.sh");
            } else {
                // Another nvcc release schedules instructions differently; the kernels and their
                // parameters must still be the same.
                System.out.println("PtxSourceTest: " + name + ".ptx was made by '" + release(committed) + "', nvcc here is '"
                        + localRelease + "': comparing kernel signatures only");
                assertEquals(signatures(regenerated), signatures(committed), name + ".ptx is stale: run kernels/src/main/cuda/build-ptx.sh");
            }
        }
    }

    @Test
    void committedPtxAssemblesForTuringAndHopper() throws Exception {
        assumeTrue(onPath("ptxas"), "ptxas not installed: cannot assemble the PTX (skipped)");
        for (String name : names(COMMITTED, ".ptx")) {
            for (String sm : List.of("sm_75", "sm_90")) {
                Result r = run(List.of("ptxas", "-arch=" + sm, COMMITTED.resolve(name + ".ptx").toString(), "-o", "/dev/null"));
                assertEquals(0, r.status, "ptxas -arch=" + sm + " " + name + ".ptx:\n" + r.output);
            }
        }
    }

    /** The PTX without nvcc's comment header, which names the compiler build. */
    static String body(String ptx) {
        return ptx.lines().filter(l -> !l.startsWith("//")).collect(Collectors.joining("\n"));
    }

    static String release(String ptx) {
        return ptx.lines().filter(l -> l.contains("Cuda compilation tools")).findFirst().orElse("unknown release");
    }

    static String signatures(String ptx) {
        PtxModules m = new PtxModules();
        m.add("x", ptx);
        return m.kernels().values().stream().map(k -> k.name() + k.params()).sorted().collect(Collectors.joining("\n"));
    }

    private static List<String> names(Path dir, String suffix) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(suffix))
                    .map(f -> f.substring(0, f.length() - suffix.length())).sorted().collect(Collectors.toList());
        }
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) if (Files.isExecutable(Paths.get(dir, tool))) return true;
        return false;
    }

    record Result(int status, String output) {
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + command + "\n" + out);
        }
        return new Result(p.exitValue(), out);
    }
}
