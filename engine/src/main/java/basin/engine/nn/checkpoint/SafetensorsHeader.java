package basin.engine.nn.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parsed and checked header of a safetensors file: where each tensor's bytes lie, and the
 * {@code __metadata__} strings. Everything the header claims is checked against the file before
 * any tensor is allocated, following the reference implementation's rules (huggingface/safetensors,
 * {@code tensor.rs}: {@code read_metadata} and {@code Metadata::validate}):
 * <ol>
 *   <li>the first 8 bytes are a little-endian u64 {@code N}, at most {@link #MAX_HEADER_BYTES} and
 *       at most the bytes that follow;</li>
 *   <li>the next {@code N} bytes are UTF-8 JSON starting with '{';</li>
 *   <li>each tensor has a known {@code dtype}, a {@code shape} of non-negative integers and
 *       {@code data_offsets [begin, end]} with {@code end - begin = product(shape) × size(dtype)};</li>
 *   <li>sorted by offset, the tensors tile the rest of the file exactly: no gap, no overlap, no
 *       trailing byte.</li>
 * </ol>
 */
final class SafetensorsHeader {

    /** The reference implementation's cap on {@code N}: larger headers are refused unread. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Bytes of the little-endian u64 that holds {@code N}. */
    static final int LENGTH_BYTES = 8;

    static final String METADATA_KEY = "__metadata__";

    /** Largest array Java allocates on common JVMs (a few words under Integer.MAX_VALUE). */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final JsonMapper JSON = JsonMapper.builder(new JsonFactoryBuilder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength((int) MAX_HEADER_BYTES)
                            .build())
                    .build())
            // Two entries with one name would leave one tensor's bytes unclaimed or claimed twice.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * One tensor's place in the file.
     *
     * @param begin offset of the first byte, relative to the start of the data (after the header)
     * @param end   offset one past the last byte
     */
    record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {
        int elementCount() {
            return (int) ((end - begin) / dtype.size);
        }
    }

    final Path file;
    /** Absolute file position of the first data byte: 8 + N. */
    final long dataStart;
    /** The tensors in the order of their data offsets. */
    final List<Entry> entries;
    final Map<String, String> metadata;

    private SafetensorsHeader(Path file, long dataStart, List<Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Reads and checks the header of {@code file}, open as {@code channel}.
     *
     * @throws SafetensorsFormatException naming the file, and the tensor where one is to blame
     */
    static SafetensorsHeader read(FileChannel channel, Path file) throws IOException {
        long fileSize = channel.size();
        if (fileSize < LENGTH_BYTES) {
            throw new SafetensorsFormatException(file, "the file is " + fileSize
                    + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0, file);
        long headerSize = lengthBytes.getLong(0);
        // Compared as unsigned: a u64 above 2^63 reads as a negative long.
        if (Long.compareUnsigned(headerSize, MAX_HEADER_BYTES) > 0) {
            throw new SafetensorsFormatException(file, "header length " + Long.toUnsignedString(headerSize)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (headerSize > fileSize - LENGTH_BYTES) {
            throw new SafetensorsFormatException(file, "header length " + headerSize
                    + " runs past the end of the file, which is " + fileSize + " bytes");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerSize);
        readFully(channel, headerBytes, LENGTH_BYTES, file);
        String json = decodeUtf8(headerBytes, file);
        if (json.isEmpty() || json.charAt(0) != '{') {
            throw new SafetensorsFormatException(file, "header must be a JSON object starting with '{', but "
                    + (json.isEmpty() ? "it is empty" : "it starts with " + quote(json.substring(0, 1))));
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new SafetensorsFormatException(file, "header is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()));
        }
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(field.getValue(), file);
            } else {
                entries.add(parseEntry(field.getKey(), field.getValue(), file));
            }
        }
        // Stable, so tensors with equal offsets (empty ones) keep the header's order.
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkTiling(entries, fileSize - LENGTH_BYTES - headerSize, file);
        return new SafetensorsHeader(file, LENGTH_BYTES + headerSize,
                Collections.unmodifiableList(entries), metadata);
    }

    private static Map<String, String> parseMetadata(JsonNode node, Path file) throws SafetensorsFormatException {
        if (node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, METADATA_KEY + " must be an object of strings, not "
                    + describe(node));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw new SafetensorsFormatException(file, METADATA_KEY + " value for " + quote(field.getKey())
                        + " must be a string, not " + describe(field.getValue()));
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static Entry parseEntry(String name, JsonNode node, Path file) throws SafetensorsFormatException {
        String where = "tensor " + quote(abbreviate(name)) + ": ";
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file, where + "entry must be an object with dtype, shape and "
                    + "data_offsets, not " + describe(node));
        }
        JsonNode dtypeNode = require(node, "dtype", where, file);
        if (!dtypeNode.isTextual()) {
            throw new SafetensorsFormatException(file, where + "dtype must be a string, not " + describe(dtypeNode));
        }
        String dtypeName = dtypeNode.textValue();
        Dtype dtype = Dtype.named(dtypeName);
        if (dtype == null) {
            throw new SafetensorsFormatException(file, where + (Dtype.KNOWN_UNSUPPORTED.contains(dtypeName)
                    ? "dtype " + dtypeName + " is not supported; Basin reads F32, F16, BF16 and F64 as float32, and I64"
                    : "unknown dtype " + quote(dtypeName)));
        }
        JsonNode shapeNode = require(node, "shape", where, file);
        if (!shapeNode.isArray()) {
            throw new SafetensorsFormatException(file, where + "shape must be an array, not " + describe(shapeNode));
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode dim = shapeNode.get(i);
            if (!isNonNegativeInteger(dim) || !dim.canConvertToInt()) {
                throw new SafetensorsFormatException(file, where + "shape " + abbreviate(shapeNode.toString()) + ": dimension " + i
                        + " must be an integer from 0 to " + Integer.MAX_VALUE + ", not " + abbreviate(String.valueOf(dim)));
            }
            shape[i] = dim.intValue();
        }
        JsonNode offsetsNode = require(node, "data_offsets", where, file);
        if (!offsetsNode.isArray() || offsetsNode.size() != 2
                || !isNonNegativeInteger(offsetsNode.get(0)) || !offsetsNode.get(0).canConvertToLong()
                || !isNonNegativeInteger(offsetsNode.get(1)) || !offsetsNode.get(1).canConvertToLong()) {
            throw new SafetensorsFormatException(file, where + "data_offsets must be two non-negative integers "
                    + "[begin, end], not " + abbreviate(offsetsNode.toString()));
        }
        return new Entry(name, dtype, shape, offsetsNode.get(0).longValue(), offsetsNode.get(1).longValue());
    }

    /**
     * Checks that the entries, sorted by offset, cover {@code [0, dataBytes)} exactly and that each
     * one's byte count is its shape times its dtype's size.
     */
    private static void checkTiling(List<Entry> entries, long dataBytes, Path file) throws SafetensorsFormatException {
        long covered = 0;
        String previous = null;
        for (Entry entry : entries) {
            String where = "tensor " + quote(entry.name) + " (" + entry.dtype + " " + Shapes.format(entry.shape)
                    + ", data_offsets [" + entry.begin + ", " + entry.end + "]): ";
            if (entry.end < entry.begin) {
                throw new SafetensorsFormatException(file, where + "end comes before begin");
            }
            if (entry.begin > covered) {
                throw new SafetensorsFormatException(file, where + "data bytes [" + covered + ", " + entry.begin
                        + ") belong to no tensor; tensors must be contiguous");
            }
            if (entry.begin < covered) {
                throw new SafetensorsFormatException(file, where + "overlaps tensor " + quote(previous)
                        + ", which ends at " + covered);
            }
            long elements = 1;
            long bytes;
            try {
                for (int dim : entry.shape) {
                    elements = Math.multiplyExact(elements, dim);
                }
                bytes = Math.multiplyExact(elements, entry.dtype.size);
            } catch (ArithmeticException overflow) {
                throw new SafetensorsFormatException(file, where + "the byte count of the shape overflows 64 bits");
            }
            if (entry.end - entry.begin != bytes) {
                throw new SafetensorsFormatException(file, where + "spans " + (entry.end - entry.begin)
                        + " bytes but " + elements + " elements of " + entry.dtype + " take " + bytes);
            }
            if (entry.end > dataBytes) {
                throw new SafetensorsFormatException(file, where + "runs past the end of the data, which is "
                        + dataBytes + " bytes");
            }
            if (elements > MAX_ELEMENTS) {
                throw new SafetensorsFormatException(file, where + elements
                        + " elements are more than a Java array holds");
            }
            covered = entry.end;
            previous = entry.name;
        }
        if (covered != dataBytes) {
            throw new SafetensorsFormatException(file, "the tensors cover " + covered + " bytes of data but "
                    + (dataBytes - covered) + " trailing bytes follow");
        }
    }

    /** Reads until {@code buffer} is full, starting at {@code position} in the file. */
    static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
        long next = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, next);
            if (read < 0) {
                throw new SafetensorsFormatException(file, "the file ended at byte " + next
                        + " while " + buffer.remaining() + " more bytes were expected (was it truncated?)");
            }
            next += read;
        }
        buffer.flip();
    }

    private static String decodeUtf8(ByteBuffer bytes, Path file) throws SafetensorsFormatException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(bytes.remaining());
        CoderResult result = decoder.decode(bytes, chars, true);
        if (result.isError()) {
            throw new SafetensorsFormatException(file, "header is not valid UTF-8: bad byte at header offset "
                    + bytes.position());
        }
        decoder.flush(chars);
        return chars.flip().toString();
    }

    private static JsonNode require(JsonNode entry, String key, String where, Path file)
            throws SafetensorsFormatException {
        JsonNode value = entry.get(key);
        if (value == null) {
            throw new SafetensorsFormatException(file, where + "missing key " + quote(key));
        }
        return value;
    }

    private static boolean isNonNegativeInteger(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.bigIntegerValue().signum() >= 0;
    }

    /** The node's JSON type and text, cut short: a corrupt header can hold megabytes in one value. */
    private static String describe(JsonNode node) {
        return node.getNodeType().toString().toLowerCase(Locale.ROOT) + " " + abbreviate(node.toString());
    }

    static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    static String quote(String text) {
        return "\"" + text + "\"";
    }
}
