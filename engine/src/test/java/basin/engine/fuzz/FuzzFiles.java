package basin.engine.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the fuzz targets share: a scratch folder that lives as long as the JVM (a fuzzer runs a
 * target millions of times, so a folder per input would only cost time), and the framing that
 * turns one fuzz input into two files.
 */
public final class FuzzFiles {
    /**
     * How long fuzz/run.sh fuzzes each target (JAZZER_FUZZ=1). Jazzer takes it only from the
     * annotation, so every {@code @FuzzTest} names this constant; rerunning resumes from the corpus
     * it grew in {@code .cifuzz-corpus/}, so two runs of 30 s explore about as far as one of 60 s.
     */
    public static final String DURATION = "30s";

    private static Path scratch;

    private FuzzFiles() {
    }

    /** {@code name} in this JVM's scratch folder; the caller overwrites it for every input. */
    public static synchronized Path scratch(String name) {
        try {
            if (scratch == null) {
                scratch = Files.createTempDirectory("basin-fuzz");
                scratch.toFile().deleteOnExit();
            }
            return scratch.resolve(name);
        } catch (IOException e) {
            throw new UncheckedIOException("fuzz: cannot create a scratch folder: " + e.getMessage(), e);
        }
    }

    /** Writes {@code content} to the scratch file {@code name} and returns its path. */
    public static Path write(String name, byte[] content) {
        Path file = scratch(name);
        try {
            Files.write(file, content);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("fuzz: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Two files from one input: a big-endian u16 L, then L bytes of the first file, then the second
     * file. L is cut to what the input holds, so every input splits; {@link #join} is the inverse
     * the seed generator uses.
     */
    public static byte[][] split(byte[] input) {
        if (input.length < 2) return new byte[][] {new byte[0], input};
        int length = Math.min((input[0] & 0xFF) << 8 | input[1] & 0xFF, input.length - 2);
        return new byte[][] {Arrays.copyOfRange(input, 2, 2 + length), Arrays.copyOfRange(input, 2 + length, input.length)};
    }

    /** The input that {@link #split} turns back into {@code first} and {@code second}. */
    public static byte[] join(byte[] first, byte[] second) {
        if (first.length > 0xFFFF) throw new IllegalArgumentException("fuzz: the first file is " + first.length + " bytes, over the u16 frame");
        byte[] input = new byte[2 + first.length + second.length];
        input[0] = (byte) (first.length >>> 8);
        input[1] = (byte) first.length;
        System.arraycopy(first, 0, input, 2, first.length);
        System.arraycopy(second, 0, input, 2 + first.length, second.length);
        return input;
    }
}
