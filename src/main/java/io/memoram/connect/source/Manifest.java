package io.memoram.connect.source;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one bucket of one user's stream has emitted so far: item id to fingerprint. Connect offsets
 * may only hold primitive values, so a manifest travels as one string
 * {@code id:fp,id:fp,...}; ids are opaque, so {@code %}, {@code ,} and {@code :} inside them are
 * percent-escaped. Not thread-safe: owned by the task thread.
 */
final class Manifest {
    private final Map<String, String> entries = new LinkedHashMap<>();

    String fingerprint(String id) {
        return entries.get(id);
    }

    boolean contains(String id) {
        return entries.containsKey(id);
    }

    void put(String id, String fingerprint) {
        entries.put(id, fingerprint);
    }

    boolean remove(String id) {
        return entries.remove(id) != null;
    }

    int size() {
        return entries.size();
    }

    Set<String> ids() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** The string form kept in the offset. */
    String encode() {
        StringBuilder sb = new StringBuilder(entries.size() * 40);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            escape(e.getKey(), sb);
            sb.append(':').append(e.getValue());
        }
        return sb.toString();
    }

    /** @throws IllegalArgumentException when {@code encoded} is not a manifest */
    static Manifest parse(String encoded) {
        Manifest m = new Manifest();
        if (encoded == null || encoded.isEmpty()) {
            return m;
        }
        for (String entry : encoded.split(",", -1)) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("manifest entry is not 'id:fingerprint': '" + abbreviate(entry) + "'");
            }
            m.entries.put(unescape(entry.substring(0, colon)), entry.substring(colon + 1));
        }
        return m;
    }

    private static void escape(String id, StringBuilder sb) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            switch (c) {
                case '%' -> sb.append("%25");
                case ',' -> sb.append("%2C");
                case ':' -> sb.append("%3A");
                default -> sb.append(c);
            }
        }
    }

    private static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                String hex = s.substring(i + 1, i + 3);
                switch (hex) {
                    case "25" -> sb.append('%');
                    case "2C" -> sb.append(',');
                    case "3A" -> sb.append(':');
                    default -> throw new IllegalArgumentException("bad escape %" + hex + " in manifest id");
                }
                i += 2;
            } else if (c == '%') {
                throw new IllegalArgumentException("truncated escape in manifest id");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
