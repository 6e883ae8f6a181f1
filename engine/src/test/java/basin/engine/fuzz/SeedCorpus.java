package basin.engine.fuzz;

import basin.engine.linalg.ParamVector;
import basin.engine.nn.Sequential;
import basin.engine.nn.checkpoint.HostInt64Tensor;
import basin.engine.nn.checkpoint.HostTensor;
import basin.engine.nn.checkpoint.ModelWeights;
import basin.engine.nn.checkpoint.Safetensors;
import basin.engine.nn.spec.ModelSpec;
import basin.engine.probe.landscape.GridFile;
import basin.engine.probe.landscape.LossSurface;
import basin.kernels.cpu.CpuBackend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the committed seed corpus of the engine's fuzz targets: small valid files, made with the
 * project's own writers where it has one (safetensors, checkpoints, grid files) and byte by byte
 * for the formats it only reads (IDX, CIFAR-10). Run once from the module folder:
 * <pre>
 *   java -cp target/test-classes:target/classes:$(cat cp.txt) basin.engine.fuzz.SeedCorpus src/test/resources
 * </pre>
 * Jazzer's JUnit integration reads {@code <package>/<TestClass>Inputs/<method>/} as regression inputs.
 */
public final class SeedCorpus {
    private SeedCorpus() {
    }

    /** Writes every seed under {@code args[0]} (the test resources folder). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        Path scratch = Files.createTempDirectory("basin-seeds");

        byte[] labels = idx(0x00000801, new int[] {3}, new byte[] {7, 0, 9});
        byte[] images = idx(0x00000803, new int[] {3, 2, 2}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255});
        byte[] noLabels = idx(0x00000801, new int[] {0}, new byte[0]);
        byte[] noImages = idx(0x00000803, new int[] {0, 28, 28}, new byte[0]);
        Path idx = root.resolve("basin/engine/data/IdxReaderFuzzTestInputs");
        seed(idx, "pairOfFilesIsReadOrRefusedAsMalformed", "seed-plain-pair", FuzzFiles.join(labels, images));
        seed(idx, "pairOfFilesIsReadOrRefusedAsMalformed", "seed-gzip-pair", FuzzFiles.join(gzip(labels), gzip(images)));
        seed(idx, "pairOfFilesIsReadOrRefusedAsMalformed", "seed-empty-pair", FuzzFiles.join(noLabels, noImages));
        seed(idx, "gzipPairIsReadOrRefusedAsMalformed", "seed-pair", FuzzFiles.join(labels, images));
        seed(idx, "gzipPairIsReadOrRefusedAsMalformed", "seed-empty-pair", FuzzFiles.join(noLabels, noImages));

        byte[] record = new byte[3073];
        record[0] = 6;
        for (int i = 1; i < record.length; i++) record[i] = (byte) (i * 7);
        Path cifar = root.resolve("basin/engine/data/CifarReaderFuzzTestInputs");
        seed(cifar, "binaryFileIsReadOrRefusedAsMalformed", "seed-one-record", record);
        seed(cifar, "binaryFileIsReadOrRefusedAsMalformed", "seed-one-record-gzip", gzip(record));
        seed(cifar, "gzipFileIsReadOrRefusedAsMalformed", "seed-one-record", record);

        Path safetensors = root.resolve("basin/engine/nn/checkpoint/SafetensorsFuzzTestInputs");
        Path plain = scratch.resolve("plain.safetensors");
        Safetensors.write(plain, List.of(new HostTensor("weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, 0, 1e-3f, -7}),
                        new HostTensor("scalar", new int[0], new float[] {0.25f})),
                List.of(new HostInt64Tensor("steps", new int[] {1}, new long[] {42})), Map.of("format", "pt"));
        seed(safetensors, "fileIsReadOrRefusedAsFormatError", "seed-f32-i64-metadata", Files.readAllBytes(plain));
        Path empty = scratch.resolve("empty.safetensors");
        Safetensors.write(empty, List.of(), Map.of());
        seed(safetensors, "fileIsReadOrRefusedAsFormatError", "seed-no-tensors", Files.readAllBytes(empty));
        seed(safetensors, "fileIsReadOrRefusedAsFormatError", "seed-f16-bf16-f64", f16Bf16F64());

        Sequential model = ModelSpec.parse(FuzzFixtures.CHECKPOINT_MODEL);
        ParamVector theta = model.initialParameters(CpuBackend.get(), 0);
        Path checkpoint = scratch.resolve("model.safetensors");
        ModelWeights.save(checkpoint, model, theta, Map.of("epoch", "1"));
        seed(safetensors, "checkpointLoadsIntoTheModelOrIsRefused", "seed-model", Files.readAllBytes(checkpoint));

        Path spec = root.resolve("basin/engine/nn/spec/ModelSpecFuzzTestInputs/specFileBuildsAModelOrIsRefused");
        seed(spec.getParent(), spec.getFileName().toString(), "seed-mlp", ModelSpec.mlp(new int[] {1, 28, 28}, 256, 10).getBytes(StandardCharsets.UTF_8));
        seed(spec.getParent(), spec.getFileName().toString(), "seed-cnn", ("{\"input\":[3,8,8],\"layers\":["
                + "{\"type\":\"conv2d\",\"out\":4,\"kernel\":3,\"padding\":1,\"bias\":false},{\"type\":\"batchnorm2d\",\"eps\":1e-5,\"momentum\":null},"
                + "{\"type\":\"relu\"},{\"type\":\"maxpool2d\",\"kernel\":2},{\"type\":\"avgpool2d\",\"kernel\":2,\"stride\":1,\"padding\":1},"
                + "{\"type\":\"dropout\",\"p\":0.25,\"seed\":3},{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":10},{\"type\":\"batchnorm1d\"}]}")
                .getBytes(StandardCharsets.UTF_8));
        seed(spec.getParent(), spec.getFileName().toString(), "seed-resnet", ("{\"input\":[3,8,8],\"layers\":["
                + "{\"type\":\"basicblock\",\"out\":4,\"stride\":2},{\"type\":\"adaptiveavgpool2d\",\"output\":1},"
                + "{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":10}]}").getBytes(StandardCharsets.UTF_8));

        Path grid = scratch.resolve("grid.jsonl");
        try (GridFile log = GridFile.open(grid, FuzzFixtures.grid())) {
            log.record(0, -1, 0, new LossSurface.Measurement(2.5, 0.1));
            log.record(2, 1, 0, new LossSurface.Measurement(Double.NaN, Double.NaN));
        }
        Path grids = root.resolve("basin/engine/probe/landscape/GridFileFuzzTestInputs");
        seed(grids, "gridFileResumesOrIsRefused", "seed-two-points", Files.readAllBytes(grid));
        byte[] cut = Files.readAllBytes(grid);
        seed(grids, "gridFileResumesOrIsRefused", "seed-last-line-cut-short", java.util.Arrays.copyOf(cut, cut.length - 9));
    }

    /** An F16, a BF16 and an F64 tensor, written by hand since Basin writes only F32 and I64. */
    private static byte[] f16Bf16F64() {
        String header = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                + "\"c\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        file.putShort((short) 0x3C00).putShort((short) 0xC000);      // F16 1, −2
        file.putShort((short) 0x3F80).putShort((short) 0x7F80);      // BF16 1, +∞
        file.putDouble(Math.PI);
        return file.array();
    }

    /** An IDX file: magic, big-endian sizes, data. */
    private static byte[] idx(int magic, int[] sizes, byte[] data) {
        ByteBuffer file = ByteBuffer.allocate(4 + 4 * sizes.length + data.length);
        file.putInt(magic);
        for (int s : sizes) file.putInt(s);
        return file.put(data).array();
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static void seed(Path inputs, String method, String name, byte[] content) throws IOException {
        Path folder = inputs.resolve(method);
        Files.createDirectories(folder);
        Files.write(folder.resolve(name), content);
        System.out.println(folder.resolve(name) + " (" + content.length + " bytes)");
    }
}
