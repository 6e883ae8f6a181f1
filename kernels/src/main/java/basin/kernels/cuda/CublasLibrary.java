package basin.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes {@code libcublas.so.12} loadable before the first use of JCublas2, whose native library
 * needs it. In order:
 * <ol>
 *   <li>{@code -Dbasin.cublas.library=PATH}: load that file;</li>
 *   <li>a libcublas.so.12 the dynamic loader finds by itself (LD_LIBRARY_PATH, ld.so.cache): nothing to do;</li>
 *   <li>a libcublas.so.12 elsewhere (a CUDA 12 toolkit, the nvidia-cublas-cu12 Python wheel): load it by path;</li>
 *   <li>only a libcublas.so.13 (CUDA 13): build and load the forwarding library ({@link CublasForwarding}).</li>
 * </ol>
 * Loading a library by path satisfies JCublas2's dependency by its SONAME, so no environment
 * variable has to be set before the JVM starts. This must happen before the JCublas2 class loads:
 * a failed static initialiser leaves that class unusable for the life of the JVM.
 */
final class CublasLibrary {
    private static String loaded;

    private CublasLibrary() {
    }

    /** Prepares cuBLAS once per process and says where it came from. */
    static synchronized String prepare() {
        if (loaded == null) loaded = prepare(searchFolders(), true, cacheRoot());
        return loaded;
    }

    /**
     * One preparation: {@code folders} are searched for the libraries; {@code useLoaderPath} also
     * asks LD_LIBRARY_PATH and ld.so.cache (tests turn it off to see only their own folders).
     */
    static String prepare(List<Path> folders, boolean useLoaderPath, Path cacheRoot) {
        String explicit = System.getProperty("basin.cublas.library");
        if (explicit != null) {
            System.load(Paths.get(explicit).toAbsolutePath().toString());
            return explicit + " (basin.cublas.library)";
        }
        if (useLoaderPath && loaderFinds("libcublas.so.12")) return "libcublas.so.12 from the loader's path";
        Optional<Path> cuda12 = find(folders, "libcublas.so.12");
        if (cuda12.isPresent()) {
            System.load(cuda12.get().toString());
            return cuda12.get().toString();
        }
        Optional<Path> cuda13 = useLoaderPath ? fromLdCache("libcublas.so.13") : Optional.empty();
        if (cuda13.isEmpty()) cuda13 = find(folders, "libcublas.so.13");
        if (cuda13.isPresent()) {
            Path forwarding = CublasForwarding.build(cuda13.get(), cacheRoot);
            System.load(forwarding.toString());
            return cuda13.get() + " through Basin's forwarding libcublas.so.12 at " + forwarding;
        }
        throw new CudaUnavailableException("no cuBLAS: neither libcublas.so.12 nor libcublas.so.13 is on the loader's path "
                + "or in " + folders + ". Install the CUDA toolkit's cuBLAS (or the nvidia-cublas Python wheel), "
                + "or set -Dbasin.cublas.library=/path/to/libcublas.so.12.", null);
    }

    /** Where cuBLAS usually lives: LD_LIBRARY_PATH, CUDA toolkits, system library folders, Python wheels. */
    static List<Path> searchFolders() {
        Set<Path> folders = new LinkedHashSet<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String s : ld.split(":")) if (!s.isEmpty()) folders.add(Paths.get(s));
        String home = System.getenv("CUDA_HOME");
        if (home != null) folders.add(Paths.get(home, "lib64"));
        folders.addAll(glob(Paths.get("/usr/local"), "cuda*", "lib64"));
        folders.addAll(glob(Paths.get("/usr/local"), "cuda*", "targets/x86_64-linux/lib"));
        folders.add(Paths.get("/usr/lib/x86_64-linux-gnu"));
        folders.add(Paths.get("/usr/lib64"));
        folders.add(Paths.get("/opt"));                      // Python environments, vendor installs
        folders.add(Paths.get(System.getProperty("user.home"), ".local/lib"));
        folders.addAll(glob(Paths.get("/usr/local/lib"), "python3*", "dist-packages"));
        folders.addAll(glob(Paths.get("/usr/local/lib"), "python3*", "site-packages"));
        folders.addAll(glob(Paths.get("/usr/lib"), "python3*", "site-packages"));
        return new ArrayList<>(folders);
    }

    /** The first file called {@code name} in the folders, up to ten levels down (a wheel in a virtual environment keeps it in lib/python3.X/site-packages/nvidia/cublas/lib). */
    static Optional<Path> find(List<Path> folders, String name) {
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) continue;
            try (Stream<Path> walk = Files.find(folder, 10, (p, a) -> p.getFileName().toString().equals(name))) {
                Optional<Path> hit = walk.findFirst();
                if (hit.isPresent()) return Optional.of(hit.get().toAbsolutePath());
            } catch (IOException | java.io.UncheckedIOException e) {
                // An unreadable folder is not an error here: look in the next one.
            }
        }
        return Optional.empty();
    }

    private static boolean loaderFinds(String name) {
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) for (String s : ld.split(":")) if (!s.isEmpty() && Files.exists(Paths.get(s, name))) return true;
        return fromLdCache(name).isPresent();
    }

    /** The path {@code ldconfig -p} gives for a library name, if any. */
    private static Optional<Path> fromLdCache(String name) {
        for (String ldconfig : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"}) {
            try {
                Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
                String out;
                try (InputStream in = p.getInputStream()) {
                    out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                p.waitFor(10, TimeUnit.SECONDS);
                for (String line : out.split("\n")) {
                    String t = line.trim();
                    int arrow = t.indexOf("=>");
                    if (t.startsWith(name + " ") && t.contains("x86-64") && arrow > 0) {
                        return Optional.of(Paths.get(t.substring(arrow + 2).trim()));
                    }
                }
                return Optional.empty();
            } catch (IOException e) {
                // Not at this path: try the next.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static List<Path> glob(Path parent, String pattern, String below) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(parent)) return out;
        try (var dirs = Files.newDirectoryStream(parent, pattern)) {
            for (Path d : dirs) out.add(d.resolve(below));
        } catch (IOException e) {
            // Unreadable: nothing to add.
        }
        return out;
    }

    /** {@code -Dbasin.cache}, else $XDG_CACHE_HOME/basin, else ~/.cache/basin; the library goes under cublas-forwarding/. */
    static Path cacheRoot() {
        String explicit = System.getProperty("basin.cache");
        if (explicit != null) return Paths.get(explicit, "cublas-forwarding");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Paths.get(xdg) : Paths.get(System.getProperty("user.home"), ".cache");
        return base.resolve("basin").resolve("cublas-forwarding");
    }
}
