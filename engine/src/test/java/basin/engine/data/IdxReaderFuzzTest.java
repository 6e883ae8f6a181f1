package basin.engine.data;

import basin.engine.fuzz.FuzzFiles;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of {@link IdxReader}: whatever the bytes of an images/labels pair, the
 * reader either returns a dataset or throws {@link MalformedDataException} naming the file. Any
 * other exception, or an allocation the file's header sized before it was checked, is a finding.
 *
 * <p>An input is a labels file and an images file framed by {@link FuzzFiles#split}. Under plain
 * {@code mvn test} only the committed inputs in {@code IdxReaderFuzzTestInputs/} run; with
 * {@code JAZZER_FUZZ=1} (fuzz/run.sh) the fuzzer explores from them.
 */
class IdxReaderFuzzTest {

    /** The two files as the fuzzer wrote them; the seeds hold plain and gzip pairs, so damaged gzip is explored too. */
    @FuzzTest(maxDuration = FuzzFiles.DURATION)
    void pairOfFilesIsReadOrRefusedAsMalformed(byte[] input) throws IOException {
        byte[][] parts = FuzzFiles.split(input);
        read(parts[0], parts[1]);
    }

    /** Each file compressed here, so the reader sees well-formed gzip around arbitrary IDX content. */
    @FuzzTest(maxDuration = FuzzFiles.DURATION)
    void gzipPairIsReadOrRefusedAsMalformed(byte[] input) throws IOException {
        byte[][] parts = FuzzFiles.split(input);
        read(DataFixtures.gzip(parts[0]), DataFixtures.gzip(parts[1]));
    }

    private static void read(byte[] labelsFile, byte[] imagesFile) throws IOException {
        Path labels = FuzzFiles.write("labels-idx1-ubyte", labelsFile);
        Path images = FuzzFiles.write("images-idx3-ubyte", imagesFile);
        try {
            Dataset d = IdxReader.read("fuzz", images, labels, 10);
            if (d.count() < 0) throw new AssertionError("negative count");
        } catch (MalformedDataException expected) {
            if (!expected.getMessage().startsWith(expected.file().toString())) {
                throw new AssertionError("message does not start with the file: " + expected.getMessage());
            }
        }
    }
}
