package io.memoram.connect.emulator;

import com.sun.net.httpserver.Headers;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request as the handlers see it: {@code path} relative to the area (/api/v1, /admin) and the
 * query decoded (first value of each parameter wins).
 */
record Request(String method, String path, Map<String, String> query, byte[] body, Headers headers) {

    String header(String name) {
        return headers.getFirst(name);
    }

    String param(String name) {
        return query.get(name);
    }

    String requiredParam(String name) {
        String v = query.get(name);
        if (v == null || v.isBlank()) {
            throw HttpError.badRequest("query parameter " + name + " is required");
        }
        return v;
    }

    /** Decodes application/x-www-form-urlencoded text (query strings and form bodies). */
    static Map<String, String> decodeForm(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("malformed URL encoding");
            }
        }
        return out;
    }
}
