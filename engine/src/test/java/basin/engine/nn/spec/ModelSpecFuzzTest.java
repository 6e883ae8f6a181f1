package basin.engine.nn.spec;

import basin.engine.fuzz.FuzzFiles;
import basin.engine.nn.Sequential;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of {@link ModelSpec#read}: any bytes as a spec file build a model or
 * give an {@link IllegalArgumentException} whose message starts with the file. Anything else (a
 * NumberFormatException, a ClassCastException, an overflow into a negative size, an allocation
 * sized by the spec before it was checked) is a finding.
 */
class ModelSpecFuzzTest {

    @FuzzTest(maxDuration = FuzzFiles.DURATION)
    void specFileBuildsAModelOrIsRefused(byte[] input) {
        Path file = FuzzFiles.write("model.json", input);
        try {
            Sequential model = ModelSpec.read(file);
            if (model.layout().size() < 0) throw new AssertionError("negative parameter count " + model.layout().size());
        } catch (IllegalArgumentException expected) {
            if (!expected.getMessage().startsWith(file.toString())) {
                throw new AssertionError("message does not start with the file: " + expected.getMessage(), expected);
            }
        }
    }
}
