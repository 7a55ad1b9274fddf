package io.memoram.connect.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.memoram.connect.util.Sha256;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * The idempotency marker the sink appends to the {@code source} of every blob it creates, so that
 * after a crash or a rebalance a redelivered record finds "its" blob again (docs/sink.md).
 *
 * <p>Format of the written source: {@code <source> #kc:<marker>}, where marker is the first 22
 * characters of unpadded base64url(SHA-256(input)) (132 bits) and input is, as UTF-8:
 * <ul>
 *   <li>by key (upsert mode, non-null key): {@code "key" \0 topic \0 canonical-JSON(key)}</li>
 *   <li>by offset (insert mode, or a null key): {@code "offset" \0 topic \0 partition \0 offset}</li>
 * </ul>
 * Canonical JSON: object members sorted by name (a Struct key and the equal schemaless Map key give
 * the same marker), bytes as Base64 strings, timestamps as epoch milliseconds, no whitespace.
 */
public final class BlobMarker {
    static final String SEPARATOR = " #kc:";
    static final int LENGTH = 22;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);

    private BlobMarker() { }

    public static String forKey(String topic, Object key) {
        return hash("key\0" + topic + "\0" + canonicalJson(key));
    }

    static String forOffset(String topic, int partition, long offset) {
        return hash("offset\0" + topic + "\0" + partition + "\0" + offset);
    }

    /** The source to write: {@code source} followed by the marker. */
    static String markedSource(String source, String marker) {
        return source + SEPARATOR + marker;
    }

    /** The marker at the end of {@code source}, or null when it carries none. */
    static String markerOf(String source) {
        if (source == null || source.length() < SEPARATOR.length() + LENGTH) {
            return null;
        }
        int at = source.length() - LENGTH - SEPARATOR.length();
        if (!source.startsWith(SEPARATOR, at)) {
            return null;
        }
        String marker = source.substring(at + SEPARATOR.length());
        for (int i = 0; i < marker.length(); i++) {
            char c = marker.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return null;
            }
        }
        return marker;
    }

    static String canonicalJson(Object key) {
        if (key instanceof String str && plainAscii(str)) {
            // The common case (String keys), without Jackson: printable ASCII other than the quote and the backslash
            // is written by Jackson exactly as it is, between quotes.
            return '"' + str + '"';
        }
        try {
            return JSON.writeValueAsString(canonical(key));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record key cannot be serialized: " + e.getOriginalMessage(), e);
        }
    }

    private static boolean plainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Plain JSON-able values with sorted maps, so that equal keys always serialize alike. */
    private static Object canonical(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            return new BigInteger(v.toString());
        }
        if (v instanceof Float || v instanceof Double) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? new BigDecimal(Double.toString(d)).stripTrailingZeros() : Double.toString(d);
        }
        if (v instanceof BigDecimal bd) {
            return bd.stripTrailingZeros();
        }
        if (v instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof ByteBuffer buffer) {
            ByteBuffer b = buffer.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (v instanceof Date date) {
            return BigInteger.valueOf(date.getTime());
        }
        if (v instanceof Struct struct) {
            Map<String, Object> m = new TreeMap<>();
            for (Field f : struct.schema().fields()) {
                m.put(f.name(), canonical(struct.get(f)));
            }
            return m;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> m = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                m.put(String.valueOf(e.getKey()), canonical(e.getValue()));
            }
            return m;
        }
        if (v instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>(c.size());
            for (Object o : c) {
                list.add(canonical(o));
            }
            return list;
        }
        return v.toString();
    }

    private static String hash(String input) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.of(input)).substring(0, LENGTH);
    }
}
