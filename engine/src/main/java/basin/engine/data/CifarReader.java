package basin.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the binary version of CIFAR-10 (Krizhevsky 2009, https://www.cs.toronto.edu/~kriz/cifar.html).
 *
 * <p>Each file is a run of 3073-byte records: one label byte in [0, 10), then a 32×32 colour image
 * as three 1024-byte planes, red, green, blue, each row-major. That is already the C×H×W layout of
 * {@link Dataset}, so a record's pixels are copied straight across, scaled to v / 255. The training
 * split is {@code data_batch_1.bin} … {@code data_batch_5.bin} in that order, the test split
 * {@code test_batch.bin}. Files may also be gzip-compressed (recognised by their magic bytes).
 *
 * <p>Every file is checked before anything is allocated: its length must be a whole number of
 * records; labels are checked as they are read. Failures are {@link MalformedDataException}s
 * naming the file.
 */
public final class CifarReader {

    /** Image side in pixels. */
    public static final int SIDE = 32;
    /** Colour channels: red, green, blue. */
    public static final int CHANNELS = 3;
    /** The ten classes: airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck. */
    public static final int CLASSES = 10;
    /** Bytes in one record: the label, then 3 × 32 × 32 pixels. */
    public static final int RECORD_BYTES = 1 + CHANNELS * SIDE * SIDE;

    private CifarReader() {
    }

    /** The files of a split, in reading order: {@code data_batch_1.bin} … {@code data_batch_5.bin}, or {@code test_batch.bin}. */
    public static List<String> fileNames(Split split) {
        if (split == Split.TEST) return List.of("test_batch.bin");
        List<String> names = new ArrayList<>();
        for (int b = 1; b <= 5; b++) names.add("data_batch_" + b + ".bin");
        return names;
    }

    /** Reads a split from {@code folder}; the result is named {@code name/train} or {@code name/test}. */
    public static Dataset readSplit(String name, Path folder, Split split) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String fileName : fileNames(split)) {
            Path file = folder.resolve(fileName);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, fileName + " is not in " + folder);
            }
            files.add(file);
        }
        return read(name + "/" + split.label(), files);
    }

    /**
     * Reads the records of {@code files}, one after another, as one dataset of [3, 32, 32] images.
     *
     * @throws MalformedDataException naming the file, if a file's length is not a multiple of 3073
     *                                bytes or a label is 10 or more
     */
    public static Dataset read(String name, List<Path> files) throws IOException {
        long[] records = new long[files.size()];
        long total = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            if (!Files.isRegularFile(file)) throw new MalformedDataException(file, "is not a readable file");
            long length = DataFiles.contentLength(file, -1);
            if (length % RECORD_BYTES != 0) {
                throw new MalformedDataException(file, "holds " + length + " bytes, not a whole number of "
                        + RECORD_BYTES + "-byte CIFAR-10 records (" + length / RECORD_BYTES + " records and "
                        + length % RECORD_BYTES + " bytes over)");
            }
            records[f] = length / RECORD_BYTES;
            total += records[f];
        }
        int imageBytes = RECORD_BYTES - 1;
        if (total * imageBytes > DataFiles.MAX_ARRAY) {
            throw new MalformedDataException(files.get(files.size() - 1), "the files hold " + total
                    + " records together, more pixels than one Java array holds");
        }
        float[] pixels = new float[(int) total * imageBytes];
        int[] labels = new int[(int) total];
        byte[] label = new byte[1];
        byte[] chunk = new byte[imageBytes];
        int example = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            try (InputStream in = DataFiles.open(file)) {
                for (long r = 0; r < records[f]; r++, example++) {
                    DataFiles.readBytes(in, file, label, 1);
                    labels[example] = label[0] & 0xFF;
                    if (labels[example] >= CLASSES) {
                        throw new MalformedDataException(file, "label " + labels[example] + " of record " + r
                                + " is not below the " + CLASSES + " classes");
                    }
                    DataFiles.readScaled(in, file, pixels, example * imageBytes, imageBytes, chunk);
                }
                DataFiles.expectEnd(in, file);
            }
        }
        return new Dataset(name, pixels, labels, CHANNELS, SIDE, SIDE, CLASSES, Dataset.SCALED);
    }
}
