package basin.engine.nn.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Reads and writes safetensors files, the format of Hugging Face's {@code safetensors} library,
 * which PyTorch users load with {@code safetensors.torch.load_file} and save with
 * {@code save_file}.
 *
 * <p>The layout (huggingface/safetensors, README and {@code tensor.rs}):
 * <pre>
 *   u64 N, little-endian | N bytes of UTF-8 JSON, space-padded | the data
 *   JSON: {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
 * </pre>
 * Offsets count from the first data byte; elements are little-endian and row-major; the tensors
 * tile the data exactly.
 */
public final class Safetensors {

    /** Headers longer than this (the reference implementation's limit, 100 MB) are refused. */
    public static final long MAX_HEADER_BYTES = SafetensorsHeader.MAX_HEADER_BYTES;

    /** Bytes moved per read or write call; a multiple of every element size. */
    private static final int CHUNK_BYTES = 1 << 20;

    private Safetensors() {
    }

    /**
     * Reads every tensor of a safetensors file.
     *
     * <p>F32 tensors are read as they are. F16 and BF16 tensors are widened to float32, which is
     * exact; F64 tensors are rounded to the nearest float32. I64 tensors (BatchNorm's
     * {@code num_batches_tracked}) go to {@link SafetensorsContents#int64Tensors()}. Any other
     * dtype is refused. The whole header is checked before any tensor is allocated, so a corrupt
     * or hostile header costs no more memory than the file's own size; the arrays returned hold
     * the file's data bytes, twice over for F16/BF16 since they widen to 4 bytes.
     *
     * @param file a safetensors file
     * @return the tensors in layout order, and the {@code __metadata__} strings
     * @throws SafetensorsFormatException when the file breaks the format; the message names the
     *                                    file and the tensor at fault
     * @throws IOException                when the file cannot be read
     */
    public static SafetensorsContents read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readTensors(channel, SafetensorsHeader.read(channel, file));
        }
    }

    /** Reads the data of every tensor {@code header} lists, the header having been checked already. */
    static SafetensorsContents readTensors(FileChannel channel, SafetensorsHeader header) throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        Map<String, HostInt64Tensor> int64Tensors = new LinkedHashMap<>();
        ByteBuffer chunk = chunkFor(header.entries.stream().mapToLong(e -> e.end() - e.begin()).max().orElse(0));
        for (SafetensorsHeader.Entry entry : header.entries) {
            if (entry.dtype() == Dtype.I64) {
                long[] data = new long[entry.elementCount()];
                readElements(channel, header, entry, chunk, (bytes, offset, count) ->
                        bytes.asLongBuffer().get(data, offset, count));
                int64Tensors.put(entry.name(), new HostInt64Tensor(entry.name(), entry.shape(), data));
            } else {
                float[] data = new float[entry.elementCount()];
                readElements(channel, header, entry, chunk, (bytes, offset, count) ->
                        decodeFloats(entry.dtype(), bytes, data, offset, count));
                tensors.put(entry.name(), new HostTensor(entry.name(), entry.shape(), data));
            }
        }
        return new SafetensorsContents(tensors, int64Tensors, header.metadata);
    }

    /** Takes {@code count} elements from {@code bytes} into the destination, starting at element {@code offset}. */
    private interface ElementSink {
        void take(ByteBuffer bytes, int offset, int count);
    }

    private static void readElements(FileChannel channel, SafetensorsHeader header, SafetensorsHeader.Entry entry,
                                     ByteBuffer chunk, ElementSink sink) throws IOException {
        int size = entry.dtype().size;
        int total = entry.elementCount();
        int perChunk = chunk.capacity() / size;
        for (int done = 0; done < total; ) {
            int count = Math.min(perChunk, total - done);
            chunk.clear().limit(count * size);
            SafetensorsHeader.readFully(channel, chunk,
                    header.dataStart + entry.begin() + (long) done * size, header.file);
            sink.take(chunk, done, count);
            done += count;
        }
    }

    private static void decodeFloats(Dtype dtype, ByteBuffer bytes, float[] data, int offset, int count) {
        switch (dtype) {
            case F32 -> bytes.asFloatBuffer().get(data, offset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    data[offset + i] = Float16.halfToFloat(bytes.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    data[offset + i] = Float16.bfloat16ToFloat(bytes.getShort(2 * i));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    data[offset + i] = (float) bytes.getDouble(8 * i);
                }
            }
            default -> throw new IllegalStateException("decodeFloats: " + dtype + " is not a float dtype");
        }
    }

    /**
     * Writes float32 tensors to a safetensors file; see
     * {@link #write(Path, List, List, Map)}.
     */
    public static void write(Path file, List<HostTensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, List.of(), metadata);
    }

    /**
     * Writes float32 (F32) and int64 (I64) tensors to a safetensors file, laid out as
     * {@code safetensors.torch.save_file} lays out the same tensors: I64 tensors first, then F32,
     * each group sorted by name (in UTF-8 byte order), the header padded with spaces to a
     * multiple of 8 bytes. For the same tensors and at most one metadata entry the bytes are
     * the same as PyTorch's; with more entries Basin sorts the metadata keys, where the reference
     * implementation writes them in hash-map order, which varies from run to run.
     *
     * <p>The write is atomic: the bytes go to a hidden temporary file in the same directory,
     * which is flushed to disk and then renamed over {@code file}. If anything fails, the
     * temporary file is deleted and an existing {@code file} is left as it was.
     *
     * @param file         the file to create or replace
     * @param tensors      float tensors; names must be unique across both lists
     * @param int64Tensors int64 tensors, such as BatchNorm's {@code num_batches_tracked}
     * @param metadata     strings for {@code __metadata__}; null or empty writes none
     * @throws IllegalArgumentException when names repeat, a name is {@code __metadata__}, or a
     *                                  string is not valid Unicode; nothing is written then
     * @throws IOException              when the file cannot be written; {@code file} is untouched
     */
    public static void write(Path file, List<HostTensor> tensors, List<HostInt64Tensor> int64Tensors,
                             Map<String, String> metadata) throws IOException {
        write(file, tensors, int64Tensors, metadata, UnaryOperator.identity());
    }

    /**
     * As the public write, with every byte sent through {@code sink}, so that tests can make a
     * write fail halfway.
     */
    static void write(Path file, List<HostTensor> tensors, List<HostInt64Tensor> int64Tensors,
                      Map<String, String> metadata, UnaryOperator<WritableByteChannel> sink) throws IOException {
        List<Stored> layout = layout(file, tensors, int64Tensors);
        Map<String, String> sortedMetadata = sortedMetadata(file, metadata);
        List<HeaderJson.Line> lines = new ArrayList<>(layout.size());
        long offset = 0;
        for (Stored stored : layout) {
            long bytes = (long) stored.length() * stored.dtype.size;
            lines.add(new HeaderJson.Line(stored.name, stored.dtype, stored.shape, offset, offset + bytes));
            offset += bytes;
        }
        byte[] json = HeaderJson.write(sortedMetadata, lines).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("safetensors " + file + ": header would be " + padded
                    + " bytes, over the limit of " + MAX_HEADER_BYTES + " that readers accept");
        }
        ByteBuffer head = ByteBuffer.allocate(SafetensorsHeader.LENGTH_BYTES + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path directory = file.toAbsolutePath().getParent();
        Path temporary = directory.resolve("." + file.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                WritableByteChannel out = sink.apply(channel);
                writeFully(out, head);
                ByteBuffer chunk = chunkFor(offset);
                for (Stored stored : layout) {
                    writeElements(out, stored, chunk);
                }
                // On disk before the rename, or a crash could leave the new name on a short file.
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable failure) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        syncDirectory(directory);
    }

    /** A tensor queued for writing: its place in the layout and its elements. */
    private record Stored(String name, Dtype dtype, int[] shape, float[] floats, long[] longs) {
        int length() {
            return dtype == Dtype.I64 ? longs.length : floats.length;
        }
    }

    /** The tensors in the reference writer's order: descending dtype, then name. */
    private static List<Stored> layout(Path file, List<HostTensor> tensors, List<HostInt64Tensor> int64Tensors) {
        List<Stored> layout = new ArrayList<>(tensors.size() + int64Tensors.size());
        for (HostTensor tensor : tensors) {
            layout.add(new Stored(tensor.name(), Dtype.F32, tensor.shape(), tensor.data(), null));
        }
        for (HostInt64Tensor tensor : int64Tensors) {
            layout.add(new Stored(tensor.name(), Dtype.I64, tensor.shape(), null, tensor.data()));
        }
        Set<String> seen = new HashSet<>();
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
        for (Stored stored : layout) {
            if (!seen.add(stored.name)) {
                throw new IllegalArgumentException("safetensors " + file + ": two tensors are named "
                        + SafetensorsHeader.quote(stored.name));
            }
            if (stored.name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("safetensors " + file + ": a tensor cannot be named "
                        + SafetensorsHeader.METADATA_KEY + ", the key of the metadata");
            }
            if (!utf8.canEncode(stored.name)) {
                throw new IllegalArgumentException("safetensors " + file + ": tensor name "
                        + SafetensorsHeader.quote(stored.name) + " has an unpaired surrogate, not valid UTF-8");
            }
        }
        layout.sort(Comparator.comparing(Stored::dtype, Comparator.reverseOrder())
                .thenComparing(Stored::name, Safetensors::compareCodePoints));
        return layout;
    }

    private static Map<String, String> sortedMetadata(Path file, Map<String, String> metadata) {
        Map<String, String> sorted = new TreeMap<>(Safetensors::compareCodePoints);
        if (metadata == null) {
            return sorted;
        }
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException("safetensors " + file + ": metadata entry " + entry.getKey()
                        + " = " + entry.getValue() + " has a null; the format holds strings only");
            }
            if (!utf8.canEncode(entry.getKey()) || !utf8.canEncode(entry.getValue())) {
                throw new IllegalArgumentException("safetensors " + file + ": metadata entry "
                        + SafetensorsHeader.quote(entry.getKey()) + " has an unpaired surrogate, not valid UTF-8");
            }
            sorted.put(entry.getKey(), entry.getValue());
        }
        return sorted;
    }

    /** Code-point order, which is the byte order of the UTF-8 encodings that Rust's {@code str} compares. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static void writeElements(WritableByteChannel out, Stored stored, ByteBuffer chunk) throws IOException {
        int size = stored.dtype.size;
        int total = stored.length();
        int perChunk = chunk.capacity() / size;
        for (int done = 0; done < total; ) {
            int count = Math.min(perChunk, total - done);
            chunk.clear();
            if (stored.dtype == Dtype.I64) {
                chunk.asLongBuffer().put(stored.longs, done, count);
            } else {
                chunk.asFloatBuffer().put(stored.floats, done, count);
            }
            chunk.limit(count * size);
            writeFully(out, chunk);
            done += count;
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /** A transfer buffer of at most 1 MiB, smaller when the tensors are, so a tiny checkpoint allocates little. */
    private static ByteBuffer chunkFor(long largestTensorBytes) {
        int capacity = (int) Math.min(CHUNK_BYTES, Math.max(8, (largestTensorBytes + 7) / 8 * 8));
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Makes the rename itself durable where the platform allows a directory to be synced. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException unsupported) {
            // Windows cannot open a directory; the rename has happened and is atomic all the same.
        }
    }
}
