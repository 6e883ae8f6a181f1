package basin.engine.data;

import static basin.engine.data.DataFixtures.cifarRecords;
import static basin.engine.data.DataFixtures.idxImages;
import static basin.engine.data.DataFixtures.idxLabels;
import static basin.engine.data.DataFixtures.randomBytes;
import static basin.engine.data.DataFixtures.randomLabels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetResolverTest {

    private static final long SEED = 555L;
    private static final Fetcher NO_NETWORK = uri -> {
        throw new IOException("no network to reach " + uri);
    };

    @TempDir
    Path root;

    private final Map<String, String> environment = new HashMap<>();
    private final List<URI> fetched = new ArrayList<>();

    @Test
    void explicitFolderWinsOverEveryOtherPlace() throws IOException {
        Path explicit = idxDataset(root.resolve("explicit"));
        environment.put("BASIN_MNIST", idxDataset(root.resolve("own")).toString());
        idxDataset(cache("mnist"));

        assertEquals(explicit, resolver(NO_NETWORK).resolve("mnist", explicit));
    }

    @Test
    void explicitFolderMayBeARootWithTheDatasetAsASubfolder() throws IOException {
        Path inside = idxDataset(root.resolve("datasets").resolve("mnist"));

        assertEquals(inside, resolver(NO_NETWORK).resolve("mnist", root.resolve("datasets")));
    }

    @Test
    void explicitFolderWithoutTheFilesFailsAtOnceWithoutFallingThrough() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));
        idxDataset(cache("mnist"));

        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(recordingFetcher(Map.of())).resolve("mnist", empty));

        assertEquals(1, e.places().size());
        assertTrue(e.places().get(0).startsWith("--data " + empty + ": lacks train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(fetched.isEmpty(), "nothing is downloaded when a folder was given");
    }

    @Test
    void perDatasetVariableWinsOverBasinData() throws IOException {
        Path own = idxDataset(root.resolve("own"));
        environment.put("BASIN_MNIST", own.toString());
        environment.put("BASIN_DATA", root.resolve("all").toString());
        idxDataset(root.resolve("all").resolve("mnist"));

        assertEquals(own, resolver(NO_NETWORK).resolve("mnist", null));
    }

    @Test
    void basinDataSubfolderWinsOverTheSystemFolder() throws IOException {
        environment.put("BASIN_DATA", root.resolve("all").toString());
        Path underRoot = idxDataset(root.resolve("all").resolve("fashion-mnist"));
        idxDataset(root.resolve("usr/share/datasets/fashion-mnist"));

        assertEquals(underRoot, resolver(NO_NETWORK).resolve("fashion-mnist", null));
    }

    @Test
    void systemFolderWinsOverTheCache() throws IOException {
        Path system = idxDataset(root.resolve("usr/share/datasets/fashion-mnist"));
        idxDataset(cache("fashion-mnist"));

        assertEquals(system, resolver(NO_NETWORK).resolve("fashion-mnist", null));
    }

    @Test
    void projectFolderIsFoundFromADeeperWorkingDirectory() throws IOException {
        Path bundled = idxDataset(root.resolve("data/mnist-subset"));
        Files.createDirectories(root.resolve("engine/target"));
        DatasetResolver resolver = new DatasetResolver(
                new DatasetResolver.Places(environment::get, root.resolve("home"), root, root.resolve("engine/target")),
                NO_NETWORK);

        assertEquals(bundled, resolver.resolve("mnist-bundled", null));
    }

    @Test
    void cacheIsUsedWhenNoOtherPlaceHoldsTheFiles() throws IOException {
        Path cache = idxDataset(cache("mnist"));

        assertEquals(cache, resolver(recordingFetcher(Map.of())).resolve("mnist", null));
        assertTrue(fetched.isEmpty());
    }

    @Test
    void failureListsEveryPlaceTriedAndWhichFilesToPutWhere() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(NO_NETWORK).resolve("fashion-mnist", null));

        String message = e.getMessage();
        assertEquals(5, e.places().size(), message);
        for (String expected : List.of(
                "1. $BASIN_FASHION_MNIST: not set",
                "2. $BASIN_DATA/fashion-mnist: BASIN_DATA not set",
                "3. " + root.resolve("usr/share/datasets/fashion-mnist") + ": no such folder",
                "4. " + cache("fashion-mnist") + ": no such folder",
                "5. download into " + cache("fashion-mnist") + ": no network to reach http://fashion-mnist.s3-website",
                "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz",
                "--data DIR", "BASIN_FASHION_MNIST=DIR", "or put them in " + cache("fashion-mnist"),
                "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/t10k-labels-idx1-ubyte.gz")) {
            assertTrue(message.contains(expected), "should say '" + expected + "':\n" + message);
        }
    }

    @Test
    void folderMissingSomeFilesIsReportedWithTheFilesItLacks() throws IOException {
        Path partial = idxDataset(root.resolve("partial"));
        Files.delete(partial.resolve("t10k-labels-idx1-ubyte.gz"));
        environment.put("BASIN_MNIST", partial.toString());

        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(NO_NETWORK).resolve("mnist", null));

        assertEquals("$BASIN_MNIST = " + partial + ": lacks t10k-labels-idx1-ubyte.gz", e.places().get(0));
    }

    @Test
    void verifiedDownloadLandsInTheCacheAndIsNotFetchedAgain() throws IOException {
        Map<URI, byte[]> served = idxServed();
        DatasetSource toy = toySource(served, true);
        DatasetResolver resolver = resolver(recordingFetcher(served));

        Path folder = resolver.resolve(toy, null);
        Dataset train = toy.read(folder, Split.TRAIN);
        resolver.resolve(toy, null);

        assertEquals(cache("toy"), folder);
        assertEquals(4, fetched.size(), "each file once: " + fetched);
        assertEquals(3, train.count());
        assertEquals(randomLabels(SEED, 3, 10)[1], train.label(1));
        assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"), filesIn(folder));
    }

    @Test
    void downloadFailingItsChecksumLeavesNoFileBehind() throws IOException {
        Map<URI, byte[]> served = idxServed();
        DatasetSource toy = toySource(served, true);
        Map<URI, byte[]> tampered = new HashMap<>(served);
        for (Map.Entry<URI, byte[]> entry : tampered.entrySet()) {
            byte[] wrong = entry.getValue().clone();
            wrong[wrong.length / 2] ^= 1;
            entry.setValue(wrong);
        }

        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(recordingFetcher(tampered)).resolve(toy, null));

        assertTrue(e.getMessage().contains("SHA-256 of the download is"), e.getMessage());
        assertTrue(e.getMessage().contains("the download was discarded"), e.getMessage());
        assertFalse(Files.exists(cache("toy")), "the cache folder made for the download is removed again");
    }

    @Test
    void md5IsCheckedWhenItIsTheOnlyPublishedChecksum() throws IOException {
        Map<URI, byte[]> served = idxServed();
        DatasetSource md5Only = toySource(served, false);
        Map<URI, byte[]> tampered = new HashMap<>(served);
        tampered.replaceAll((uri, bytes) -> DataFixtures.concat(bytes, new byte[] {0}));

        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(recordingFetcher(tampered)).resolve(md5Only, null));

        assertTrue(e.getMessage().contains("MD5 of the download is"), e.getMessage());
        assertEquals(List.of(), filesIn(cache("toy")));
    }

    @Test
    void connectionDroppedMidDownloadLeavesNoFileBehind() throws IOException {
        Map<URI, byte[]> served = idxServed();
        DatasetSource toy = toySource(served, true);
        // Every read after the 40th byte fails, as a reset connection does; the stream never recovers.
        Fetcher dropping = uri -> new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent >= 40) throw new IOException("connection reset");
                sent++;
                return 7;
            }
        };

        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(dropping).resolve(toy, null));

        assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
        assertEquals(List.of(), filesIn(cache("toy")));
    }

    @Test
    void cifarArchiveIsUnpackedIntoTheCacheAndThenDeleted() throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("cifar-10-batches-bin/batches.meta.txt", "airplane\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int b = 1; b <= 5; b++) {
            members.put("cifar-10-batches-bin/data_batch_" + b + ".bin",
                    cifarRecords(randomLabels(SEED + b, 2, 10), randomBytes(SEED + b, 2 * 3072)));
        }
        byte[] testLabels = randomLabels(SEED, 3, 10);
        members.put("cifar-10-batches-bin/test_batch.bin", cifarRecords(testLabels, randomBytes(SEED, 3 * 3072)));
        byte[] archive = DataFixtures.tarGz(members);
        URI uri = URI.create("https://example.org/cifar-10-binary.tar.gz");
        DatasetSource toy = new DatasetSource("toy-cifar", DatasetSource.Format.CIFAR_BINARY, 10, List.of(), List.of(),
                List.of(new DatasetSource.RemoteFile(uri, "cifar-10-binary.tar.gz", DataFixtures.md5(archive),
                        DataFixtures.sha256(archive))));

        Path folder = resolver(recordingFetcher(Map.of(uri, archive))).resolve(toy, null);

        assertEquals(List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin"), filesIn(folder));
        assertArrayEquals(members.get("cifar-10-batches-bin/data_batch_3.bin"), Files.readAllBytes(folder.resolve("data_batch_3.bin")));
        Dataset test = toy.read(folder, Split.TEST);
        assertEquals(3, test.count());
        assertEquals(testLabels[2], test.label(2));
        assertEquals(10, toy.read(folder, Split.TRAIN).count());
    }

    @Test
    void bundledSubsetIsNeverDownloadedAndTheMessageSaysWhereItLives() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(recordingFetcher(Map.of())).resolve("mnist-bundled", null));

        assertTrue(e.getMessage().contains("data/mnist-subset in " + root.resolve("work") + " or any folder above it: not found"),
                e.getMessage());
        assertTrue(e.getMessage().contains("mnist-bundled is not published for download"), e.getMessage());
        assertTrue(fetched.isEmpty());
    }

    @Test
    void testSplitLoadsFromAFolderHoldingOnlyTheBundledT10kFiles() throws IOException {
        Path bundled = Path.of("..", "data", "mnist-subset");
        Path testOnly = Files.createDirectories(root.resolve("t10k-only"));
        for (String file : List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(bundled.resolve(file), testOnly.resolve(file));
        }

        Dataset test = resolver(NO_NETWORK).load("mnist", Split.TEST, testOnly);

        assertEquals(2000, test.count(), "the bundled subset's test split holds 2000 digits");
        assertEquals("mnist/test", test.name());
    }

    @Test
    void aFolderWithOnlyTheTrainFilesAskedForTheTestSplitSaysItHoldsOnlyTrain() throws IOException {
        Path trainOnly = idxDataset(root.resolve("train-only"));
        Files.delete(trainOnly.resolve("t10k-images-idx3-ubyte.gz"));
        Files.delete(trainOnly.resolve("t10k-labels-idx1-ubyte.gz"));

        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(NO_NETWORK).load("mnist", Split.TEST, trainOnly));

        assertEquals("--data " + trainOnly + ": lacks t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (it holds only the "
                + "train split, and the test split was asked for); nor is there a folder " + trainOnly.resolve("mnist")
                + " with the files", e.places().get(0));
        assertTrue(e.getMessage().contains("Put these files in one folder: t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"),
                e.getMessage());
    }

    @Test
    void theTestSplitFoundNowhereListsEveryPlaceLookedAndOnlyItsFiles() {
        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> resolver(NO_NETWORK).load("mnist", Split.TEST, null));

        String message = e.getMessage();
        assertEquals(4, e.places().size(), message);
        for (String expected : List.of(
                "mnist: no folder with the files of the test split was found",
                "1. $BASIN_MNIST: not set",
                "2. $BASIN_DATA/mnist: BASIN_DATA not set",
                "3. " + cache("mnist") + ": no such folder",
                "4. download into " + cache("mnist") + ": no network to reach https://ossci-datasets.s3.amazonaws.com/mnist/t10k-images",
                "Put these files in one folder: t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (plain or gzip-compressed)")) {
            assertTrue(message.contains(expected), "should say '" + expected + "':\n" + message);
        }
    }

    @Test
    void downloadingForTheTestSplitFetchesOnlyItsTwoFiles() throws IOException {
        Map<URI, byte[]> served = idxServed();
        DatasetSource toy = toySource(served, true);

        Path folder = resolver(recordingFetcher(served)).resolve(toy, Split.TEST, null);

        assertEquals(List.of(URI.create("https://example.org/t10k-images-idx3-ubyte.gz"),
                URI.create("https://example.org/t10k-labels-idx1-ubyte.gz")), fetched);
        assertEquals(2, toy.read(folder, Split.TEST).count());
        assertEquals(List.of("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"), filesIn(folder));
    }

    @Test
    void unknownDatasetNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolver(NO_NETWORK).resolve("imagenet", null));
        assertTrue(e.getMessage().contains("known: mnist, fashion-mnist, cifar10, mnist-bundled"), e.getMessage());
    }

    private DatasetResolver resolver(Fetcher fetcher) throws IOException {
        Path work = Files.createDirectories(root.resolve("work"));
        return new DatasetResolver(new DatasetResolver.Places(environment::get, root.resolve("home"), root, work), fetcher);
    }

    private Path cache(String name) {
        return root.resolve("home/.cache/basin").resolve(name);
    }

    private Fetcher recordingFetcher(Map<URI, byte[]> served) {
        return uri -> {
            fetched.add(uri);
            byte[] body = served.get(uri);
            if (body == null) throw new IOException("nothing served at " + uri);
            return new ByteArrayInputStream(body);
        };
    }

    /** The four IDX files of a toy dataset (3 training and 2 test images of 2×2), gzip-compressed, by URI. */
    private static Map<URI, byte[]> idxServed() throws IOException {
        Map<URI, byte[]> served = new LinkedHashMap<>();
        served.put(URI.create("https://example.org/train-images-idx3-ubyte.gz"),
                DataFixtures.gzip(idxImages(3, 2, 2, randomBytes(SEED, 12))));
        served.put(URI.create("https://example.org/train-labels-idx1-ubyte.gz"),
                DataFixtures.gzip(idxLabels(randomLabels(SEED, 3, 10))));
        served.put(URI.create("https://example.org/t10k-images-idx3-ubyte.gz"),
                DataFixtures.gzip(idxImages(2, 2, 2, randomBytes(SEED + 1, 8))));
        served.put(URI.create("https://example.org/t10k-labels-idx1-ubyte.gz"),
                DataFixtures.gzip(idxLabels(randomLabels(SEED + 1, 2, 10))));
        return served;
    }

    /** A source whose downloads are {@code served}, checked by SHA-256 and MD5, or by MD5 alone. */
    private static DatasetSource toySource(Map<URI, byte[]> served, boolean withSha256) {
        List<DatasetSource.RemoteFile> remotes = new ArrayList<>();
        for (Map.Entry<URI, byte[]> entry : served.entrySet()) {
            String path = entry.getKey().getPath();
            remotes.add(new DatasetSource.RemoteFile(entry.getKey(), path.substring(path.lastIndexOf('/') + 1),
                    DataFixtures.md5(entry.getValue()), withSha256 ? DataFixtures.sha256(entry.getValue()) : null));
        }
        return new DatasetSource("toy", DatasetSource.Format.IDX, 10, List.of(), List.of(), remotes);
    }

    /** Writes a complete toy IDX dataset into {@code folder}. */
    private static Path idxDataset(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<URI, byte[]> entry : idxServed().entrySet()) {
            String path = entry.getKey().getPath();
            Files.write(folder.resolve(path.substring(path.lastIndexOf('/') + 1)), entry.getValue());
        }
        return folder;
    }

    /** The names of the files in {@code folder}, hidden ones included, sorted; empty if it does not exist. */
    private static List<String> filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) return List.of();
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
