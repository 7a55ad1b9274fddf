package io.memoram.connect.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Plain java.net.http calls against a running emulator for the emulator's own tests (deliberately not
 * the project's MemoramClient, so these tests check the emulator and nothing else).
 */
final class EmulatorHttp {
    /** A response with its body parsed as JSON (null when the body is empty or not JSON). */
    record Reply(int status, JsonNode json, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MemoramEmulator emu;

    EmulatorHttp(MemoramEmulator emu) {
        this.emu = emu;
    }

    /** POST /auth/token and return the token. */
    String token(String apiKey) {
        Reply r = api("POST", "/auth/token", null, Map.of("api_key", apiKey));
        if (r.status() != 200) {
            throw new IllegalStateException("token request failed: " + r.status() + " " + r.raw().body());
        }
        return r.json().get("token").asText();
    }

    /** An API call; {@code token} null sends no Authorization header; {@code body} is serialized as JSON. */
    Reply api(String method, String pathAndQuery, String token, Object body) {
        return send(method, emu.baseUrl() + pathAndQuery, token, body == null ? null : Json.write(body), "application/json");
    }

    Reply apiRaw(String method, String pathAndQuery, String token, String rawBody) {
        return send(method, emu.baseUrl() + pathAndQuery, token, rawBody.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    Reply admin(String method, String path, Object body) {
        return send(method, emu.adminUrl() + path, null, body == null ? null : Json.write(body), "application/json");
    }

    Reply form(String url, Map<String, String> fields) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        return send("POST", url, null, sb.toString().getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded");
    }

    /** Like {@link #api} but lets I/O failures (dropped connections) through. */
    Reply apiOrThrow(String method, String pathAndQuery, String token, Object body) throws IOException {
        try {
            return exchange(method, emu.baseUrl() + pathAndQuery, token, body == null ? null : Json.write(body),
                    "application/json");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private Reply send(String method, String url, String token, byte[] body, String contentType) {
        try {
            return exchange(method, url, token, body, contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Reply exchange(String method, String url, String token, byte[] body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        if (!resp.body().isEmpty()) {
            try {
                json = Json.MAPPER.readTree(resp.body());
            } catch (IOException e) {
                json = null;
            }
        }
        return new Reply(resp.statusCode(), json, resp);
    }
}
