package basin.engine.nn.checkpoint;

import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors header the way the reference implementation's {@code serde_json} does, so
 * that the bytes match: no whitespace, {@code __metadata__} first, then one entry per tensor in
 * layout order with its keys in the order {@code dtype, shape, data_offsets}; strings escape only
 * '"', '\', and control characters ({@code \b \t \n \f \r}, others as lower-case backslash-u00xx);
 * everything else, non-ASCII included, is written as itself.
 */
final class HeaderJson {
    private HeaderJson() {
    }

    /** One tensor's line in the header. */
    record Line(String name, Dtype dtype, int[] shape, long begin, long end) {
    }

    /**
     * The header JSON, unpadded.
     *
     * @param metadata written when non-empty, in its iteration order
     * @param lines    the tensors in layout order
     */
    static String write(Map<String, String> metadata, List<Line> lines) {
        StringBuilder json = new StringBuilder(64 + 80 * lines.size());
        json.append('{');
        boolean first = true;
        if (!metadata.isEmpty()) {
            string(json, SafetensorsHeader.METADATA_KEY).append(":{");
            boolean firstKey = true;
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                if (!firstKey) {
                    json.append(',');
                }
                string(json, entry.getKey()).append(':');
                string(json, entry.getValue());
                firstKey = false;
            }
            json.append('}');
            first = false;
        }
        for (Line line : lines) {
            if (!first) {
                json.append(',');
            }
            string(json, line.name).append(":{\"dtype\":\"").append(line.dtype.name()).append("\",\"shape\":[");
            for (int i = 0; i < line.shape.length; i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append(line.shape[i]);
            }
            json.append("],\"data_offsets\":[").append(line.begin).append(',').append(line.end).append("]}");
            first = false;
        }
        return json.append('}').toString();
    }

    private static StringBuilder string(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\b' -> json.append("\\b");
                case '\t' -> json.append("\\t");
                case '\n' -> json.append("\\n");
                case '\f' -> json.append("\\f");
                case '\r' -> json.append("\\r");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
