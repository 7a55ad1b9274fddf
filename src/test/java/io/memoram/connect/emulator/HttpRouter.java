package io.memoram.connect.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of every HTTP exchange: splits /api/v1, /oauth/token and /admin, logs API requests,
 * applies armed faults to API requests, and turns {@link HttpError}s into JSON error responses.
 */
final class HttpRouter implements HttpHandler {
    static final String API_PREFIX = "/api/v1";
    static final String ADMIN_PREFIX = "/admin";
    static final String OAUTH_PATH = "/oauth/token";

    /** Loaded on first use: SLF4J's initialisation alone would double the emulator's start time. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
    }

    private final ApiHandler api;
    private final OAuthHandler oauth;
    private final AdminHandler admin;
    private final FaultInjector faults;
    private final RequestLog requestLog;
    /** Added to every API call before it is handled (a remote server's round trip); calls overlap. */
    private volatile long latencyMillis;

    HttpRouter(ApiHandler api, OAuthHandler oauth, AdminHandler admin, FaultInjector faults, RequestLog requestLog) {
        this.api = api;
        this.oauth = oauth;
        this.admin = admin;
        this.faults = faults;
        this.requestLog = requestLog;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, String> query;
            try {
                query = Request.decodeForm(ex.getRequestURI().getRawQuery());
            } catch (HttpError e) {
                send(ex, Response.error(e.status(), e.getMessage()));
                return;
            }
            if (path.startsWith(API_PREFIX + "/") || path.equals(OAUTH_PATH)) {
                String apiPath = path.equals(OAUTH_PATH) ? OAUTH_PATH : path.substring(API_PREFIX.length());
                handleApi(ex, new Request(method, apiPath, query, body, ex.getRequestHeaders()));
            } else if (path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/")) {
                Request r = new Request(method, path.substring(ADMIN_PREFIX.length()), query, body, ex.getRequestHeaders());
                send(ex, dispatch(() -> admin.handle(r)));
            } else {
                send(ex, Response.error(404, "no endpoint " + path + " (the API is under " + API_PREFIX + ")"));
            }
        } finally {
            // Also what drops the connection for Fault.drop(): closed before any response was sent.
            ex.close();
        }
    }

    void latency(java.time.Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        this.latencyMillis = latency.toMillis();
    }

    private void handleApi(HttpExchange ex, Request r) throws IOException {
        requestLog.record(r.method(), r.path(), r.param("user_id"));
        long latency = latencyMillis;
        if (latency > 0) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Fault fault = faults.take(r.method(), r.path());
        if (fault != null) {
            Log.LOG.info("Injecting {} into {} {}", fault, r.method(), r.path());
            switch (fault.kind()) {
                case DROP:
                    // Closing the exchange before sendResponseHeaders closes the connection: no response at all.
                    return;
                case STATUS:
                    Response resp = Response.error(fault.statusCode(), "injected fault: status " + fault.statusCode());
                    if (fault.retryAfterSeconds() != null) {
                        resp = new Response(resp.status(), Map.of("Retry-After", fault.retryAfterSeconds().toString()),
                                resp.body());
                    }
                    send(ex, resp);
                    return;
                case HTML:
                    byte[] page = "<html><body><h1>Down for maintenance</h1></body></html>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                    ex.sendResponseHeaders(200, page.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(page);
                    }
                    return;
                case HOLD:
                    if (!faults.hold(fault.delayDuration().toMillis())) {
                        return;
                    }
                    break;
                case DELAY:
                    try {
                        Thread.sleep(fault.delayDuration().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    break;
                default:
                    break;
            }
        }
        Request handled = r;
        if (fault != null && fault.kind() == Fault.Kind.CURSORS) {
            Map<String, String> first = new java.util.LinkedHashMap<>(r.query());
            first.remove("cursor");
            handled = new Request(r.method(), r.path(), first, r.body(), r.headers());
        }
        Request req = handled;
        Response resp = dispatch(() -> req.path().equals(OAUTH_PATH) ? oauth.handle(req) : api.handle(req));
        if (fault != null && fault.kind() == Fault.Kind.CURSORS && resp.status() == 200 && resp.body() instanceof Map<?, ?> body) {
            Map<Object, Object> rewritten = new java.util.LinkedHashMap<>(body);
            rewritten.put("next_cursor", fault.nextCursor(r.param("cursor")));
            resp = new Response(200, resp.headers(), rewritten);
        }
        if (fault != null && fault.kind() == Fault.Kind.DROP_AFTER_HANDLING) {
            return;
        }
        if (fault != null && fault.kind() == Fault.Kind.STALL) {
            stall(ex, resp, fault.delayDuration().toMillis());
            return;
        }
        send(ex, resp);
    }

    /** Headers with the full length, half the body, then silence on an open connection (a hung peer). */
    private void stall(HttpExchange ex, Response resp, long holdMillis) throws IOException {
        resp.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        byte[] bytes = resp.body() == null ? "{\"stalled\": true}".getBytes(java.nio.charset.StandardCharsets.UTF_8)
                : Json.write(resp.body());
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(resp.status(), bytes.length);
        OutputStream out = ex.getResponseBody();
        out.write(bytes, 0, bytes.length / 2);
        out.flush();
        faults.holdStall(holdMillis);
        // Released: the exchange is closed (by handle's finally) with the body still short.
    }

    private static Response dispatch(java.util.function.Supplier<Response> handler) {
        try {
            return handler.get();
        } catch (HttpError e) {
            Response resp = Response.error(e.status(), e.getMessage());
            if (e.status() == 401) {
                resp = new Response(401, Map.of("WWW-Authenticate", "Bearer"), resp.body());
            }
            return resp;
        } catch (RuntimeException e) {
            Log.LOG.warn("Emulator bug while handling a request", e);
            return Response.error(500, "internal emulator error: " + e.getClass().getSimpleName());
        }
    }

    private static void send(HttpExchange ex, Response resp) throws IOException {
        resp.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        if (resp.body() == null) {
            ex.sendResponseHeaders(resp.status(), -1);
            return;
        }
        byte[] bytes = Json.write(resp.body());
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(resp.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
