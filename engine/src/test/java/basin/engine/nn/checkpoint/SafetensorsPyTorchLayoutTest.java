package basin.engine.nn.checkpoint;

import static basin.engine.nn.checkpoint.SafetensorsBytes.concat;
import static basin.engine.nn.checkpoint.SafetensorsBytes.f32;
import static basin.engine.nn.checkpoint.SafetensorsBytes.file;
import static basin.engine.nn.checkpoint.SafetensorsBytes.i64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bytes {@code safetensors.torch.save_file(model.state_dict(), path)} writes, built by hand
 * from the format's rules, and the reference implementation's own test vectors
 * (huggingface/safetensors, {@code tensor.rs}: {@code test_serialization}, {@code test_empty},
 * {@code test_serialization_forced_alignement}). Basin must read exactly these values and write
 * exactly these bytes.
 *
 * <p>The rules that fix the bytes: tensors sorted by descending dtype (I64 before F32) and then by
 * name; compact JSON with {@code __metadata__} first and keys {@code dtype, shape, data_offsets};
 * the JSON padded with spaces to a multiple of 8; no {@code __metadata__} when none is given.
 */
class SafetensorsPyTorchLayoutTest {

    @TempDir
    Path directory;

    // nn.Sequential(nn.Flatten(), nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 2)).state_dict():
    // the Linear layers are modules 1 and 3. Values chosen by hand, all distinct.
    private static final float[] W1 = {0.5f, -1.25f, 2.0f, 0.125f, -0.75f, 3.5f};
    private static final float[] B1 = {0.1f, -0.2f};
    private static final float[] W3 = {1.0f, -1.0f, 0.25f, 4.0f};
    private static final float[] B3 = {-3.0f, 0.0625f};

    /** 246 bytes of JSON and 2 spaces; the data follows in name order: 1.bias, 1.weight, 3.bias, 3.weight. */
    private static final String MLP_HEADER = "{"
            + "\"1.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"1.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]},"
            + "\"3.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[32,40]},"
            + "\"3.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[40,56]}"
            + "}  ";

    private static byte[] mlpFile() {
        byte[] bytes = file(MLP_HEADER, f32(B1), f32(W1), f32(B3), f32(W3));
        assertEquals(8 + 248 + 56, bytes.length, "hand-built MLP file: 8 + 248 header + 14 floats");
        assertEquals(248, bytes[0] & 0xff, "hand-built MLP file: header length byte");
        return bytes;
    }

    private static List<HostTensor> mlpTensors() {
        // Given in state_dict order, which is not the file's order.
        return List.of(
                new HostTensor("1.weight", new int[] {2, 3}, W1),
                new HostTensor("1.bias", new int[] {2}, B1),
                new HostTensor("3.weight", new int[] {2, 2}, W3),
                new HostTensor("3.bias", new int[] {2}, B3));
    }

    @Test
    void readsTheValuesOfAHandBuiltPyTorchMlpFile() throws IOException {
        Path path = SafetensorsBytes.save(directory, "mlp.safetensors", mlpFile());

        SafetensorsContents contents = Safetensors.read(path);

        assertEquals(List.of("1.bias", "1.weight", "3.bias", "3.weight"), List.copyOf(contents.tensors().keySet()),
                "tensors in layout order");
        assertArrayEquals(new int[] {2, 3}, contents.tensor("1.weight").shape());
        assertArrayEquals(W1, contents.tensor("1.weight").data());
        assertArrayEquals(new int[] {2}, contents.tensor("1.bias").shape());
        assertArrayEquals(B1, contents.tensor("1.bias").data());
        assertArrayEquals(new int[] {2, 2}, contents.tensor("3.weight").shape());
        assertArrayEquals(W3, contents.tensor("3.weight").data());
        assertArrayEquals(B3, contents.tensor("3.bias").data());
        assertEquals(Map.of(), contents.metadata());
        assertEquals(Map.of(), contents.int64Tensors());
    }

    @Test
    void writesTheSameBytesAsPyTorchForAnMlp() throws IOException {
        Path path = directory.resolve("mlp.safetensors");

        Safetensors.write(path, mlpTensors(), Map.of());

        assertArrayEquals(mlpFile(), Files.readAllBytes(path));
    }

    // nn.Sequential(nn.BatchNorm1d(3)).state_dict(): num_batches_tracked is an int64 scalar, and
    // I64 sorts before F32, so it comes first although "0.bias" < "0.num_batches_tracked".
    private static final String BATCH_NORM_HEADER = "{"
            + "\"0.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
            + "\"0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]},"
            + "\"0.running_mean\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[20,32]},"
            + "\"0.running_var\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[32,44]},"
            + "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[44,56]}"
            + "}       ";
    private static final float[] BN_WEIGHT = {1.0f, 1.5f, 0.75f};
    private static final float[] BN_BIAS = {0.0f, -0.5f, 0.25f};
    private static final float[] BN_MEAN = {0.3f, -0.1f, 2.0f};
    private static final float[] BN_VAR = {1.2f, 0.9f, 4.0f};

    private static byte[] batchNormFile() {
        byte[] bytes = file(BATCH_NORM_HEADER, i64(937L), f32(BN_BIAS), f32(BN_MEAN), f32(BN_VAR), f32(BN_WEIGHT));
        assertEquals(8 + 336 + 56, bytes.length, "hand-built BatchNorm file: 8 + 336 header + 1 long + 12 floats");
        return bytes;
    }

    @Test
    void readsNumBatchesTrackedOfAHandBuiltBatchNormFileAsAnInteger() throws IOException {
        Path path = SafetensorsBytes.save(directory, "bn.safetensors", batchNormFile());

        SafetensorsContents contents = Safetensors.read(path);

        HostInt64Tensor count = contents.int64Tensor("0.num_batches_tracked");
        assertArrayEquals(new int[0], count.shape());
        assertEquals(937L, count.scalarValue());
        assertEquals(List.of("0.bias", "0.running_mean", "0.running_var", "0.weight"),
                List.copyOf(contents.tensors().keySet()));
        assertArrayEquals(BN_MEAN, contents.tensor("0.running_mean").data());
        assertArrayEquals(BN_VAR, contents.tensor("0.running_var").data());
        assertArrayEquals(BN_WEIGHT, contents.tensor("0.weight").data());
        assertArrayEquals(BN_BIAS, contents.tensor("0.bias").data());
    }

    @Test
    void writesTheSameBytesAsPyTorchForABatchNormWithItsCounter() throws IOException {
        Path path = directory.resolve("bn.safetensors");

        Safetensors.write(path,
                List.of(new HostTensor("0.weight", new int[] {3}, BN_WEIGHT),
                        new HostTensor("0.bias", new int[] {3}, BN_BIAS),
                        new HostTensor("0.running_mean", new int[] {3}, BN_MEAN),
                        new HostTensor("0.running_var", new int[] {3}, BN_VAR)),
                List.of(HostInt64Tensor.scalar("0.num_batches_tracked", 937L)),
                null);

        assertArrayEquals(batchNormFile(), Files.readAllBytes(path));
    }

    @Test
    void writesTheReferenceImplementationsSerializationVector() throws IOException {
        // tensor.rs test_serialization: "attn.0", F32 [1, 2, 3] holding 0..5; 64 bytes of JSON, no padding.
        byte[] expected = file("{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}",
                f32(0, 1, 2, 3, 4, 5));
        Path path = directory.resolve("attn.safetensors");

        Safetensors.write(path, List.of(new HostTensor("attn.0", new int[] {1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5})),
                Map.of());

        assertArrayEquals(expected, Files.readAllBytes(path));
    }

    @Test
    void padsTheHeaderWithSpacesAsTheReferenceImplementationsAlignmentVectorDoes() throws IOException {
        // tensor.rs test_serialization_forced_alignement: 65 bytes of JSON, 7 spaces, data at byte 80.
        byte[] expected = file("{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ",
                f32(0, 1, 2, 3, 4, 5));
        Path path = directory.resolve("attn0.safetensors");

        Safetensors.write(path, List.of(new HostTensor("attn0", new int[] {1, 1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5})),
                Map.of());

        assertArrayEquals(expected, Files.readAllBytes(path));
    }

    @Test
    void writesTheReferenceImplementationsEmptyVectorsWithAndWithoutMetadata() throws IOException {
        // tensor.rs test_empty: no tensors; "{}" and 6 spaces, then with {"framework": "pt"}.
        Path bare = directory.resolve("bare.safetensors");
        Path framed = directory.resolve("framed.safetensors");

        Safetensors.write(bare, List.of(), Map.of());
        Safetensors.write(framed, List.of(), Map.of("framework", "pt"));

        assertArrayEquals(concat(SafetensorsBytes.u64(8), "{}      ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), Files.readAllBytes(bare));
        assertArrayEquals(file("{\"__metadata__\":{\"framework\":\"pt\"}}     "), Files.readAllBytes(framed));
        assertEquals(Map.of("framework", "pt"), Safetensors.read(framed).metadata());
    }

    @Test
    void escapesHeaderStringsAsSerdeJsonDoes() throws IOException {
        // serde_json escapes '"', '\\', \b \t \n \f \r, other controls as lower-case \\u00xx, and nothing else.
        String name = "q\"b\\s\b\t\n\f\r\u0001\u001f\u007fé😀/";
        String escaped = "q\\\"b\\\\s\\b\\t\\n\\f\\r\\u0001\\u001f\u007fé😀/";
        byte[] expected = file(SafetensorsBytes.padded("{\"" + escaped + "\":{\"dtype\":\"F32\",\"shape\":[],"
                + "\"data_offsets\":[0,4]}}"), f32(7.0f));
        Path path = directory.resolve("escapes.safetensors");

        Safetensors.write(path, List.of(new HostTensor(name, new int[0], new float[] {7.0f})), Map.of());

        assertArrayEquals(expected, Files.readAllBytes(path));
        assertArrayEquals(new float[] {7.0f}, Safetensors.read(path).tensor(name).data());
    }

    @Test
    void sortsNamesByUtf8BytesAsRustDoes() throws IOException {
        // UTF-16 order puts U+FF01 after U+1F600's surrogates; UTF-8 (code point) order puts it before.
        String fullwidth = "\uFF01";
        String emoji = "😀";
        Path path = directory.resolve("order.safetensors");

        Safetensors.write(path, List.of(new HostTensor(emoji, new int[0], new float[] {1}),
                new HostTensor(fullwidth, new int[0], new float[] {2})), Map.of());

        assertEquals(List.of(fullwidth, emoji), List.copyOf(Safetensors.read(path).tensors().keySet()));
    }
}
