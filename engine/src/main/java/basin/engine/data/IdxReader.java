package basin.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads image/label pairs in the IDX format of MNIST and Fashion-MNIST (LeCun et al.,
 * http://yann.lecun.com/exdb/mnist/), plain or gzip-compressed.
 *
 * <p>An IDX file is a 4-byte magic number {@code 00 00 type dims}, then {@code dims} big-endian
 * unsigned 32-bit sizes, then the data in row-major order. Images are {@code 0x00000803} (unsigned
 * bytes, 3 dimensions: count, rows, columns) and labels {@code 0x00000801} (unsigned bytes, 1
 * dimension: count). Pixels become floats v / 255 in [0, 1]; images get one channel.
 *
 * <p>Gzip is recognised by its magic bytes 1f 8b, not by the name. Both files of a pair are checked
 * in full before anything is allocated for their data: the magic numbers, that the sizes fit in a
 * Java array, that the header's sizes match the (decompressed) length of the file exactly, and that
 * the two files hold the same number of examples. Labels are then checked against the class count.
 * Every failure is a {@link MalformedDataException} whose message starts with the file.
 */
public final class IdxReader {

    /** Magic number of an IDX file of unsigned-byte images: type 0x08, 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned-byte labels: type 0x08, 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {
    }

    /** {@code train-images-idx3-ubyte} or {@code t10k-images-idx3-ubyte}: the images file of a split, without {@code .gz}. */
    public static String imagesFileName(Split split) {
        return split.idxStem() + "-images-idx3-ubyte";
    }

    /** {@code train-labels-idx1-ubyte} or {@code t10k-labels-idx1-ubyte}: the labels file of a split, without {@code .gz}. */
    public static String labelsFileName(Split split) {
        return split.idxStem() + "-labels-idx1-ubyte";
    }

    /**
     * Reads a split from {@code folder}: {@code train} from {@code train-images-idx3-ubyte[.gz]} and
     * {@code train-labels-idx1-ubyte[.gz]}, {@code test} from the {@code t10k-…} pair. When both the
     * plain and the {@code .gz} name exist, the plain one is read.
     *
     * @param name    what the dataset is called; the result is named {@code name/train} or {@code name/test}
     * @param classes the number of classes; every label must be below it
     */
    public static Dataset readSplit(String name, Path folder, Split split, int classes) throws IOException {
        Path images = existing(folder, imagesFileName(split));
        Path labels = existing(folder, labelsFileName(split));
        return read(name + "/" + split.label(), images, labels, classes);
    }

    /** The file {@code baseName} or {@code baseName.gz} in {@code folder}, or null when neither exists. */
    static Path find(Path folder, String baseName) {
        Path plain = folder.resolve(baseName);
        if (Files.isRegularFile(plain)) return plain;
        Path compressed = folder.resolve(baseName + ".gz");
        return Files.isRegularFile(compressed) ? compressed : null;
    }

    /**
     * Reads an images file and its labels file as one dataset of N examples of [1, rows, columns].
     *
     * @throws MalformedDataException naming the file, if either file is not well-formed IDX, their
     *                                counts differ, or a label is not below {@code classes}
     */
    public static Dataset read(String name, Path images, Path labels, int classes) throws IOException {
        if (classes <= 0 || classes > 256) {
            throw new IllegalArgumentException("idx: " + classes + " classes cannot be stored as unsigned-byte labels");
        }
        Header imageHeader = header(images, IMAGES_MAGIC, "images");
        Header labelHeader = header(labels, LABELS_MAGIC, "labels");
        if (imageHeader.sizes[0] != labelHeader.sizes[0]) {
            throw new MalformedDataException(labels, "holds " + labelHeader.sizes[0] + " labels but its images file "
                    + images + " holds " + imageHeader.sizes[0] + " images");
        }
        int count = (int) labelHeader.sizes[0];
        int rows = (int) imageHeader.sizes[1];
        int columns = (int) imageHeader.sizes[2];

        int[] labelValues = new int[count];
        try (InputStream in = DataFiles.open(labels)) {
            in.skipNBytes(labelHeader.bytes());
            byte[] raw = new byte[count];
            DataFiles.readBytes(in, labels, raw, count);
            DataFiles.expectEnd(in, labels);
            for (int i = 0; i < count; i++) {
                labelValues[i] = raw[i] & 0xFF;
                if (labelValues[i] >= classes) {
                    throw new MalformedDataException(labels, "label " + labelValues[i] + " of example " + i
                            + " is not below the " + classes + " classes");
                }
            }
        }
        float[] pixels = new float[(int) imageHeader.dataBytes];
        try (InputStream in = DataFiles.open(images)) {
            in.skipNBytes(imageHeader.bytes());
            DataFiles.readScaled(in, images, pixels, 0, pixels.length, new byte[1 << 16]);
            DataFiles.expectEnd(in, images);
        }
        return new Dataset(name, pixels, labelValues, 1, rows, columns, classes, Dataset.SCALED);
    }

    /** An IDX header that has been checked against the file it came from. */
    private record Header(long[] sizes, long dataBytes) {
        int bytes() {
            return 4 + 4 * sizes.length;
        }
    }

    /**
     * Reads and checks the header of {@code file}: its magic, that each size is positive (the
     * count may be zero), that the data fits in one array and that the file holds exactly that much.
     */
    private static Header header(Path file, int magic, String what) throws IOException {
        if (!Files.isRegularFile(file)) throw new MalformedDataException(file, "is not a readable file");
        int dimensions = magic & 0xFF;
        int headerBytes = 4 + 4 * dimensions;
        byte[] raw = new byte[headerBytes];
        int got;
        try (InputStream in = DataFiles.open(file)) {
            got = in.readNBytes(raw, 0, headerBytes);
        }
        // The magic first: a wrong kind of file says more than "too short" would.
        if (got >= 4 && readInt(raw, 0) != magic) {
            throw new MalformedDataException(file, wrongMagic(readInt(raw, 0), magic, what));
        }
        if (got < headerBytes) {
            throw new MalformedDataException(file, "holds only " + got + " bytes, less than the " + headerBytes
                    + "-byte IDX header of " + what);
        }
        long[] sizes = new long[dimensions];
        for (int d = 0; d < dimensions; d++) sizes[d] = readInt(raw, 4 + 4 * d) & 0xFFFFFFFFL;
        for (int d = 1; d < dimensions; d++) {
            if (sizes[d] == 0) throw new MalformedDataException(file, "header gives dimension " + d + " size 0");
        }
        long dataBytes = DataFiles.product(sizes);
        long content = DataFiles.contentLength(file, headerBytes + dataBytes);
        if (content - headerBytes != dataBytes) {
            throw new MalformedDataException(file, "header says " + describe(sizes, what) + " but the file holds "
                    + (content - headerBytes) + " bytes of data");
        }
        long exampleBytes = DataFiles.product(Arrays.copyOfRange(sizes, 1, dimensions));
        if (sizes[0] > DataFiles.MAX_ARRAY || dataBytes > DataFiles.MAX_ARRAY || exampleBytes > DataFiles.MAX_ARRAY) {
            throw new MalformedDataException(file, "header says " + describe(sizes, what)
                    + ", more than one Java array holds (" + DataFiles.MAX_ARRAY + ")");
        }
        return new Header(sizes, dataBytes);
    }

    private static String describe(long[] sizes, String what) {
        if (sizes.length == 1) return sizes[0] + " " + what;
        String bytes = sizes[0] + " × " + sizes[1] + " × " + sizes[2];
        long total = DataFiles.product(sizes);
        return sizes[0] + " " + what + " of " + sizes[1] + "×" + sizes[2] + " pixels (" + bytes + " = "
                + (total == Long.MAX_VALUE ? "more than 2^63" : Long.toString(total)) + " bytes)";
    }

    private static String wrongMagic(int found, int expected, String what) {
        String text = String.format("magic number 0x%08X is not 0x%08X (IDX unsigned bytes in %d dimensions: %s)",
                found, expected, expected & 0xFF, what);
        if (found == LABELS_MAGIC) return text + "; it is an IDX labels file";
        if (found == IMAGES_MAGIC) return text + "; it is an IDX images file";
        if ((found >>> 16) == 0x1f8b) return text + "; it is gzip inside gzip";
        if ((found >>> 16) != 0) return text + "; it is not an IDX file";
        return text + String.format("; it is IDX type 0x%02X in %d dimensions", (found >>> 8) & 0xFF, found & 0xFF);
    }

    private static int readInt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 | bytes[at + 3] & 0xFF;
    }

    private static Path existing(Path folder, String baseName) throws IOException {
        Path file = find(folder, baseName);
        if (file == null) {
            throw new NoSuchFileException(folder.resolve(baseName).toString(), null,
                    "neither " + baseName + " nor " + baseName + ".gz is in " + folder);
        }
        return file;
    }
}
