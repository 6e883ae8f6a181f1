package basin.engine.nn.checkpoint;

import static basin.engine.nn.checkpoint.SafetensorsBytes.f32;
import static basin.engine.nn.checkpoint.SafetensorsBytes.file;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a file can break the format is refused before any tensor is allocated, with a
 * message that names the file, the tensor at fault and what is wrong.
 */
class SafetensorsCorruptFileTest {

    @TempDir
    Path directory;

    /** Reads {@code bytes} as a file, expects a format error, and checks the message names the file and each fragment. */
    private void assertRefused(byte[] bytes, String... fragments) throws IOException {
        Path path = SafetensorsBytes.save(directory, "corrupt.safetensors", bytes);
        SafetensorsFormatException error = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(path));
        String message = error.getMessage();
        assertTrue(message.contains(path.toString()), () -> "message should name the file: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "message should contain '" + fragment + "': " + message);
        }
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void refusesAFileShorterThanTheHeaderLength() throws IOException {
        assertRefused(new byte[] {16, 0, 0, 0, 0}, "5 bytes", "shorter than the 8-byte header length");
    }

    @Test
    void refusesAnEmptyFile() throws IOException {
        assertRefused(new byte[0], "0 bytes");
    }

    @Test
    void refusesAHeaderLengthLongerThanTheFile() throws IOException {
        assertRefused(file(4096, "{}".getBytes(StandardCharsets.US_ASCII)), "header length 4096", "10 bytes");
    }

    @Test
    void refusesAHeaderLengthOverTheLimitWithoutReadingIt() throws IOException {
        assertRefused(file(100_000_001L, "{}".getBytes(StandardCharsets.US_ASCII)),
                "header length 100000001", "limit of 100000000");
    }

    @Test
    void refusesAHeaderLengthWithTheTopBitSet() throws IOException {
        assertRefused(file(-1L, "{}".getBytes(StandardCharsets.US_ASCII)), "18446744073709551615", "limit");
    }

    @Test
    void refusesAHeaderThatIsNotUtf8() throws IOException {
        byte[] header = {'{', '"', 'a', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
        assertRefused(file(header.length, header), "not valid UTF-8", "offset 3");
    }

    @Test
    void refusesAHeaderThatDoesNotStartWithABrace() throws IOException {
        assertRefused(file(" {}     "), "starting with '{'", "starts with \" \"");
    }

    @Test
    void refusesAnEmptyHeader() throws IOException {
        assertRefused(file(""), "it is empty");
    }

    @Test
    void refusesAHeaderThatIsNotJson() throws IOException {
        assertRefused(file("{\"a\":{\"dtype\":  "), "not valid JSON");
    }

    @Test
    void refusesJsonFollowedByMoreJson() throws IOException {
        assertRefused(file("{} {}   "), "not valid JSON");
    }

    @Test
    void refusesTwoTensorsWithOneName() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("w", "F32", "[1]", 0, 4) + ","
                + entry("w", "F32", "[1]", 4, 8) + "}"), f32(1, 2)), "not valid JSON", "Duplicate", "w");
    }

    @Test
    void refusesATensorEntryWithoutADtype() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{\"fc.weight\":{\"shape\":[1],\"data_offsets\":[0,4]}}"), f32(1)),
                "tensor \"fc.weight\"", "missing key \"dtype\"");
    }

    @Test
    void refusesATensorEntryWithoutAShape() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{\"fc.weight\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}"), f32(1)),
                "tensor \"fc.weight\"", "missing key \"shape\"");
    }

    @Test
    void refusesATensorEntryWithoutDataOffsets() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{\"fc.weight\":{\"dtype\":\"F32\",\"shape\":[1]}}"), f32(1)),
                "tensor \"fc.weight\"", "missing key \"data_offsets\"");
    }

    @Test
    void refusesATensorEntryThatIsNotAnObject() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{\"fc.weight\":[1,2]}")), "tensor \"fc.weight\"", "not array");
    }

    @Test
    void refusesAnUnknownDtype() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("fc.weight", "F17", "[1]", 0, 4) + "}"), f32(1)),
                "tensor \"fc.weight\"", "unknown dtype \"F17\"");
    }

    @Test
    void refusesAnIntegerDtypeOtherThanI64NamingTheTensorAndDtype() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("embed.ids", "I32", "[1]", 0, 4) + "}"), f32(1)),
                "tensor \"embed.ids\"", "dtype I32 is not supported");
    }

    @Test
    void refusesANegativeDimension() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("fc.weight", "F32", "[2,-1]", 0, 4) + "}"), f32(1)),
                "tensor \"fc.weight\"", "dimension 1", "not -1");
    }

    @Test
    void refusesAFractionalDimension() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("fc.weight", "F32", "[1.5]", 0, 4) + "}"), f32(1)),
                "tensor \"fc.weight\"", "dimension 0", "not 1.5");
    }

    @Test
    void refusesAShapeWhoseByteCountOverflows() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("fc.weight", "F32", "[2147483647,2147483647,2147483647]",
                0, 4) + "}"), f32(1)), "tensor \"fc.weight\"", "overflows 64 bits");
    }

    @Test
    void refusesDataOffsetsThatDisagreeWithShapeAndDtype() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("1.weight", "F32", "[2,3]", 0, 20) + "}"), f32(1, 2, 3, 4, 5)),
                "tensor \"1.weight\"", "F32 [2, 3]", "spans 20 bytes but 6 elements of F32 take 24");
    }

    @Test
    void refusesAHugeTensorDeclaredInATinyFileWithoutAllocatingIt() throws IOException {
        // 4 GB claimed, 4 bytes present: the check against the file must come before the allocation.
        assertRefused(file(SafetensorsBytes.padded("{" + entry("embed.weight", "F32", "[1000000000]", 0, 4_000_000_000L)
                + "}"), f32(1)), "tensor \"embed.weight\"", "runs past the end of the data, which is 4 bytes");
    }

    @Test
    void refusesDataOffsetsPastTheEndOfTheFile() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("a", "F32", "[1]", 0, 4) + ","
                + entry("b", "F32", "[2]", 4, 12) + "}"), f32(1, 2)), "tensor \"b\"", "runs past the end");
    }

    @Test
    void refusesOverlappingTensorsNamingBoth() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("a", "F32", "[2]", 0, 8) + ","
                + entry("b", "F32", "[2]", 4, 12) + "}"), f32(1, 2, 3)), "tensor \"b\"", "overlaps tensor \"a\"");
    }

    @Test
    void refusesAGapBetweenTensors() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("a", "F32", "[1]", 0, 4) + ","
                + entry("b", "F32", "[1]", 8, 12) + "}"), f32(1, 2, 3)), "tensor \"b\"", "[4, 8) belong to no tensor");
    }

    @Test
    void refusesAGapBeforeTheFirstTensor() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("a", "F32", "[1]", 4, 8) + "}"), f32(1, 2)),
                "tensor \"a\"", "[0, 4) belong to no tensor");
    }

    @Test
    void refusesDataOffsetsThatEndBeforeTheyBegin() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("a", "F32", "[1]", 0, 4) + ","
                + entry("b", "F32", "[1]", 8, 4) + "}"), f32(1, 2, 3)), "tensor \"b\"", "end comes before begin");
    }

    @Test
    void refusesDataOffsetsThatAreNotAPair() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}"),
                f32(1)), "tensor \"a\"", "data_offsets must be two non-negative integers");
    }

    @Test
    void refusesNegativeDataOffsets() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}"),
                f32(1)), "tensor \"a\"", "data_offsets must be two non-negative integers");
    }

    @Test
    void refusesTrailingBytesAfterTheLastTensor() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{" + entry("a", "F32", "[1]", 0, 4) + "}"), f32(1, 2)),
                "cover 4 bytes", "4 trailing bytes");
    }

    @Test
    void refusesMetadataValuesThatAreNotStrings() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{\"__metadata__\":{\"epoch\":3}}")),
                "__metadata__ value for \"epoch\" must be a string");
    }

    @Test
    void refusesMetadataThatIsNotAnObject() throws IOException {
        assertRefused(file(SafetensorsBytes.padded("{\"__metadata__\":\"pt\"}")), "__metadata__ must be an object");
    }
}
