package io.memoram.connect.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Builds exception messages from server responses (docs/memoram-api.md, "Errors and retries"): the server's
 * diagnostic text (JSON {@code error} / {@code message} fields when present, else the body as text),
 * whitespace collapsed, scrubbed of secrets and truncated. Scrubbing runs before truncation so a
 * secret can never survive half-cut at the end.
 */
final class ErrorText {
    static final int MAX_LENGTH = 300;
    static final String HIDDEN = "[hidden]";

    /** Shapes of Memoram API keys and JWTs: hidden even when they are not the ones this client sent. */
    private static final Pattern API_KEY = Pattern.compile("mem_[0-9A-Fa-f]{16,}");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    /** Values shorter than this are not scrubbed: replacing "a" everywhere would wreck the text, not protect a secret. */
    private static final int MIN_SECRET_LENGTH = 4;

    private ErrorText() { }

    /** The diagnostic text of an error body, not yet scrubbed or truncated; empty when there is none. */
    static String serverMessage(byte[] body, ObjectMapper mapper) {
        if (body == null || body.length == 0) {
            return "";
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String trimmed = text.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode node = mapper.readTree(trimmed);
                String fromJson = fromJson(node);
                if (fromJson != null) {
                    return fromJson;
                }
            } catch (Exception e) {
                // Not JSON after all: fall back to the text.
            }
        }
        return trimmed;
    }

    private static String fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode error = node.get("error");
        String errorText = null;
        if (error != null && error.isTextual()) {
            errorText = error.asText();
        } else if (error != null && error.isObject()) {
            errorText = fromJson(error);
        }
        String message = text(node, "message");
        if (message == null) {
            message = text(node, "error_description");
        }
        if (errorText != null && message != null && !errorText.equals(message)) {
            return errorText + ": " + message;
        }
        return errorText != null ? errorText : message;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    /** Replaces every occurrence of the given secrets and anything shaped like an API key or JWT. */
    static String scrub(String text, Collection<String> secrets) {
        if (text == null || text.isEmpty()) {
            return text == null ? "" : text;
        }
        String out = text;
        if (secrets != null) {
            for (String s : secrets) {
                if (s != null && s.length() >= MIN_SECRET_LENGTH) {
                    out = out.replace(s, HIDDEN);
                }
            }
        }
        out = API_KEY.matcher(out).replaceAll(HIDDEN);
        out = JWT.matcher(out).replaceAll(HIDDEN);
        return out;
    }

    /** Collapses whitespace and cuts to {@link #MAX_LENGTH} characters. */
    static String truncate(String text) {
        String t = text == null ? "" : text.replaceAll("\\s+", " ").trim();
        if (t.length() <= MAX_LENGTH) {
            return t;
        }
        int end = MAX_LENGTH;
        if (Character.isHighSurrogate(t.charAt(end - 1))) {
            end--;
        }
        return t.substring(0, end) + "...";
    }

    /** Scrubbed and truncated, ready for a message. */
    static String safe(String text, Collection<String> secrets) {
        return truncate(scrub(text, secrets));
    }

    /** {@code "GET /memory-blobs/{id} failed: HTTP 404: blob not found"}. */
    static String httpFailure(String call, int status, byte[] body, ObjectMapper mapper, Collection<String> secrets) {
        String server = safe(serverMessage(body, mapper), secrets);
        return call + " failed: HTTP " + status + (server.isEmpty() ? "" : ": " + server);
    }
}
