package basin.engine.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds the folder that holds a dataset's files, downloading them as a last resort.
 *
 * <p>What is looked for is the files of the split asked for ({@link #load}, {@link #resolve(DatasetSource,
 * Split, Path)}): a folder holding only MNIST's two {@code t10k-*} files serves the test split, and
 * only a download fetches the other split's files when that split is asked for. {@link #resolve(DatasetSource,
 * Path)} asks for both. The places, in order; the first that holds the files wins:
 * <ol>
 *   <li>the folder given with {@code --data DIR}: DIR itself or DIR/&lt;name&gt;. Given but
 *       lacking the files, it is an error at once rather than a silent fall-through;</li>
 *   <li>the per-dataset environment variable, e.g. {@code BASIN_MNIST} or {@code BASIN_FASHION_MNIST};</li>
 *   <li>{@code $BASIN_DATA/<name>};</li>
 *   <li>the dataset's system folders, e.g. {@code /usr/share/datasets/fashion-mnist} from Debian's
 *       package {@code dataset-fashion-mnist};</li>
 *   <li>the dataset's project folders, in the working directory and each folder above it, e.g.
 *       {@code data/mnist-subset} for {@code mnist-bundled};</li>
 *   <li>the user cache {@code ~/.cache/basin/<name>};</li>
 *   <li>a download of the published files into that cache: each goes to a hidden temporary file
 *       and is renamed to its real name only after its published checksums match, so a failed or
 *       tampered download leaves nothing behind.</li>
 * </ol>
 * When all fail, a {@link DatasetNotFoundException} lists each place with why it failed and says
 * which files to put where.
 */
public final class DatasetResolver {

    /**
     * Where the resolver looks, made explicit so that tests can point it at temporary folders.
     *
     * @param environment      environment variables by name (null when unset)
     * @param userHome         the home folder, under which the cache {@code .cache/basin} lies
     * @param systemRoot       the file system root the system folders are taken under ({@code /} normally)
     * @param workingDirectory where the search for project folders starts
     */
    public record Places(Function<String, String> environment, Path userHome, Path systemRoot, Path workingDirectory) {

        /** This process's environment, home, root and working directory. */
        public static Places ofThisMachine() {
            return new Places(System::getenv, Path.of(System.getProperty("user.home")),
                    Path.of("/"), Path.of("").toAbsolutePath());
        }
    }

    private final Places places;
    private final Fetcher fetcher;

    /** A resolver over {@code places} that downloads through {@code fetcher}. */
    public DatasetResolver(Places places, Fetcher fetcher) {
        this.places = places;
        this.fetcher = fetcher;
    }

    /** This machine's places and an HTTP fetcher with a 20 s connect and a 60 s response timeout. */
    public static DatasetResolver standard() {
        return new DatasetResolver(Places.ofThisMachine(), Fetcher.http(Duration.ofSeconds(20), Duration.ofSeconds(60)));
    }

    /** The cache folder for {@code name}: {@code ~/.cache/basin/<name>}. */
    public Path cacheFolder(String name) {
        return places.userHome().resolve(".cache").resolve("basin").resolve(name);
    }

    /** Resolves the files of {@code split}, then reads it: {@code load("mnist", Split.TRAIN, null)}. */
    public Dataset load(String name, Split split, Path explicitFolder) throws IOException {
        DatasetSource source = DatasetSource.named(name);
        return source.read(resolve(source, split, explicitFolder), split);
    }

    /** The folder holding both splits of the known dataset {@code name}; see the class comment for the order. */
    public Path resolve(String name, Path explicitFolder) throws IOException {
        return resolve(DatasetSource.named(name), explicitFolder);
    }

    /**
     * The folder holding the files of both of {@code source}'s splits.
     *
     * @param explicitFolder the folder given on the command line, or null
     * @throws DatasetNotFoundException when no place holds the files and the download fails
     */
    public Path resolve(DatasetSource source, Path explicitFolder) throws IOException {
        return resolve(source, List.of(Split.values()), explicitFolder);
    }

    /**
     * The folder holding the files of {@code split}; the other split's files may be missing there.
     *
     * @param explicitFolder the folder given on the command line, or null
     * @throws DatasetNotFoundException when no place holds the split's files and the download fails
     */
    public Path resolve(DatasetSource source, Split split, Path explicitFolder) throws IOException {
        return resolve(source, List.of(split), explicitFolder);
    }

    private Path resolve(DatasetSource source, List<Split> splits, Path explicitFolder) throws IOException {
        Wanted wanted = new Wanted(source, splits);
        List<String> tried = new ArrayList<>();
        if (explicitFolder != null) {
            Path inside = explicitFolder.resolve(source.name());
            if (wanted.completeIn(explicitFolder)) return explicitFolder;
            if (wanted.completeIn(inside)) return inside;
            tried.add("--data " + explicitFolder + ": " + wanted.lacks(explicitFolder) + "; nor is there a folder "
                    + inside + " with the files");
            throw notFound(wanted, tried);
        }
        Path found = findLocally(wanted, tried);
        if (found != null) return found;
        Path cache = cacheFolder(source.name());
        if (source.downloads().isEmpty()) {
            tried.add("download: " + source.name() + " is not published for download");
        } else if (downloaded(wanted, cache, tried)) {
            return cache;
        }
        throw notFound(wanted, tried);
    }

    /** The splits asked for, and the checks of a folder against their files. */
    private record Wanted(DatasetSource source, List<Split> splits) {
        List<String> missingFiles(Path folder) {
            List<String> missing = new ArrayList<>();
            for (Split split : splits) missing.addAll(source.missingFiles(folder, split));
            return missing;
        }

        List<String> requiredFiles() {
            List<String> files = new ArrayList<>();
            for (Split split : splits) files.addAll(source.requiredFiles(split));
            return files;
        }

        boolean completeIn(Path folder) {
            return Files.isDirectory(folder) && missingFiles(folder).isEmpty();
        }

        /** Why {@code folder} does not do: no folder, or the files it lacks, and which split it does hold. */
        String lacks(Path folder) {
            if (!Files.isDirectory(folder)) return "no such folder";
            String lacks = "lacks " + String.join(", ", missingFiles(folder));
            for (Split other : Split.values()) {
                if (!splits.contains(other) && source.missingFiles(folder, other).isEmpty()) {
                    lacks += " (it holds only the " + other.label() + " split, and the " + describeSplits() + " was asked for)";
                }
            }
            return lacks;
        }

        String describeSplits() {
            return splits.size() == 1 ? splits.get(0).label() + " split" : "both splits";
        }
    }

    /** Places 2 to 6 of the class comment, recording each miss in {@code tried}; null when all miss. */
    private Path findLocally(Wanted wanted, List<String> tried) {
        DatasetSource source = wanted.source();
        String variable = source.environmentVariable();
        String own = places.environment().apply(variable);
        if (own == null) {
            tried.add("$" + variable + ": not set");
        } else if (holds(wanted, Path.of(own), "$" + variable + " = " + own, tried)) {
            return Path.of(own);
        }
        String root = places.environment().apply("BASIN_DATA");
        if (root == null) {
            tried.add("$BASIN_DATA/" + source.name() + ": BASIN_DATA not set");
        } else {
            Path folder = Path.of(root).resolve(source.name());
            if (holds(wanted, folder, "$BASIN_DATA/" + source.name() + " = " + folder, tried)) return folder;
        }
        for (Path system : source.systemFolders()) {
            Path folder = places.systemRoot().resolve(system.getRoot() == null ? system : system.getRoot().relativize(system));
            if (holds(wanted, folder, folder.toString(), tried)) return folder;
        }
        for (Path project : source.projectFolders()) {
            for (Path above = places.workingDirectory(); above != null; above = above.getParent()) {
                if (wanted.completeIn(above.resolve(project))) return above.resolve(project);
            }
            tried.add(project + " in " + places.workingDirectory() + " or any folder above it: not found");
        }
        Path cache = cacheFolder(source.name());
        return holds(wanted, cache, cache.toString(), tried) ? cache : null;
    }

    /** Downloads into the cache; true when it then holds the wanted files, otherwise the reason is in {@code tried}. */
    private boolean downloaded(Wanted wanted, Path cache, List<String> tried) {
        boolean cacheExisted = Files.exists(cache);
        try {
            download(wanted, cache);
            if (wanted.completeIn(cache)) return true;
            tried.add("download into " + cache + ": finished but " + wanted.lacks(cache));
        } catch (IOException e) {
            tried.add("download into " + cache + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        if (!cacheExisted) removeIfEmpty(cache);
        return false;
    }

    /** True when {@code folder} holds the wanted files; otherwise records why not, under {@code label}. */
    private static boolean holds(Wanted wanted, Path folder, String label, List<String> tried) {
        if (wanted.completeIn(folder)) return true;
        tried.add(label + ": " + wanted.lacks(folder));
        return false;
    }

    /**
     * Fetches the wanted files the cache lacks. An archive holds both splits, so once it is fetched
     * every file the cache lacks is unpacked from it (and the archive deleted); single files are
     * fetched for the wanted splits only.
     */
    private void download(Wanted wanted, Path cache) throws IOException {
        DatasetSource source = wanted.source();
        List<String> missing = wanted.missingFiles(cache);
        for (DatasetSource.RemoteFile remote : source.downloads()) {
            if (remote.fileName().endsWith(".tar.gz")) {
                Path archive = VerifiedDownload.fetch(fetcher, remote, cache);
                try {
                    TarMembers.extract(archive, source.missingFiles(cache), cache);
                } finally {
                    Files.deleteIfExists(archive);
                }
            } else if (missing.contains(remote.fileName())) {
                VerifiedDownload.fetch(fetcher, remote, cache);
            }
        }
    }

    /** Leaves no empty cache folder behind a download that fetched nothing. */
    private static void removeIfEmpty(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            if (entries.findAny().isEmpty()) Files.delete(folder);
        } catch (IOException ignored) {
            // Only tidying: a folder that cannot be listed or removed does no harm.
        }
    }

    private DatasetNotFoundException notFound(Wanted wanted, List<String> tried) {
        DatasetSource source = wanted.source();
        StringBuilder message = new StringBuilder(source.name())
                .append(": no folder with the files of the ").append(wanted.describeSplits())
                .append(" was found. Looked in, in order:\n");
        for (int i = 0; i < tried.size(); i++) {
            message.append("  ").append(i + 1).append(". ").append(tried.get(i)).append('\n');
        }
        message.append("Put these files in one folder: ").append(String.join(", ", wanted.requiredFiles()));
        if (source.format() == DatasetSource.Format.IDX) message.append(" (plain or gzip-compressed)");
        message.append(",\nthen pass it with --data DIR, or set ").append(source.environmentVariable())
                .append("=DIR, or set BASIN_DATA=ROOT with the files in ROOT/").append(source.name());
        if (!source.downloads().isEmpty()) {
            message.append(", or put them in ").append(cacheFolder(source.name()));
            message.append(".\nThey are published at:");
            for (DatasetSource.RemoteFile remote : source.downloads()) message.append("\n  ").append(remote.uri());
            if (source.format() == DatasetSource.Format.CIFAR_BINARY) {
                message.append("\n(the .bin files are in the archive's cifar-10-batches-bin/ folder)");
            }
        } else if (!source.projectFolders().isEmpty()) {
            message.append(", or run from inside a checkout of the repository, which has them in ")
                    .append(source.projectFolders().get(0));
        }
        return new DatasetNotFoundException(message.toString(), tried);
    }
}
