package io.memoram.connect.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
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

/** The Kafka Connect REST API, as curl would use it. */
public final class ConnectRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public ConnectRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public record Response(int status, JsonNode body, String text) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    /** PUT /connectors/{name}/config: creates or updates the connector. */
    public Response putConnector(String name, Map<String, String> config) {
        return put("/connectors/" + enc(name) + "/config", config);
    }

    public JsonNode status(String name) {
        return get("/connectors/" + enc(name) + "/status").body();
    }

    /** PUT /connector-plugins/{class}/config/validate. */
    public Response validate(String connectorClass, Map<String, String> config) {
        return put("/connector-plugins/" + enc(connectorClass) + "/config/validate", config);
    }

    /** True when the connector and exactly {@code tasks} tasks are RUNNING. */
    public boolean running(String name, int tasks) {
        JsonNode s = status(name);
        if (!"RUNNING".equals(s.path("connector").path("state").asText())) {
            return false;
        }
        int running = 0;
        for (JsonNode t : s.path("tasks")) {
            if ("RUNNING".equals(t.path("state").asText())) {
                running++;
            }
        }
        return running == tasks && s.path("tasks").size() == tasks;
    }

    /** The first failure trace of the connector or its tasks, or null. */
    public String failure(String name) {
        JsonNode s = status(name);
        if ("FAILED".equals(s.path("connector").path("state").asText())) {
            return "connector: " + s.path("connector").path("trace").asText();
        }
        for (JsonNode t : s.path("tasks")) {
            if ("FAILED".equals(t.path("state").asText())) {
                return "task " + t.path("id").asText() + ": " + t.path("trace").asText();
            }
        }
        return null;
    }

    private Response send(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/json");
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = MissingNode.getInstance();
            if (r.body() != null && !r.body().isBlank()) {
                try {
                    json = JSON.readTree(r.body());
                } catch (IOException notJson) {
                    json = MissingNode.getInstance();
                }
            }
            return new Response(r.statusCode(), json, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + baseUrl + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
