package basin.engine.data;

import basin.engine.fuzz.FuzzFiles;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link CifarReader}: any bytes as a {@code .bin} file (plain or, when
 * they start with 1f 8b, gzip) give a dataset or a {@link MalformedDataException} naming the file;
 * anything else is a finding. The second target compresses the input itself, so the reader sees
 * well-formed gzip around arbitrary records.
 */
class CifarReaderFuzzTest {

    @FuzzTest(maxDuration = FuzzFiles.DURATION)
    void binaryFileIsReadOrRefusedAsMalformed(byte[] input) throws IOException {
        read(input);
    }

    @FuzzTest(maxDuration = FuzzFiles.DURATION)
    void gzipFileIsReadOrRefusedAsMalformed(byte[] input) throws IOException {
        read(DataFixtures.gzip(input));
    }

    private static void read(byte[] content) throws IOException {
        Path file = FuzzFiles.write("test_batch.bin", content);
        try {
            CifarReader.read("fuzz", List.of(file));
        } catch (MalformedDataException expected) {
            if (!expected.getMessage().startsWith(file.toString())) {
                throw new AssertionError("message does not start with the file: " + expected.getMessage());
            }
        }
    }
}
