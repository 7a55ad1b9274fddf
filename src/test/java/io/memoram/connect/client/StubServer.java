package io.memoram.connect.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A scripted HTTP server for the few behaviours the emulator deliberately does not have: error
 * bodies that echo what the client sent, HTTP-date Retry-After, redirects, broken bodies, TLS.
 * Everything else is tested against the emulator.
 */
final class StubServer implements AutoCloseable {
    /** One request as received. */
    record Seen(String method, String path, String query, String authorization, String contentType, String body,
                long atNanos) { }

    /** One scripted answer. */
    record Reply(int status, String body, Map<String, String> headers) {
        static Reply json(int status, String body) {
            return new Reply(status, body, Map.of("Content-Type", "application/json"));
        }
    }

    static final String TOKEN_JSON = "{\"token\":\"%s\",\"expires_at\":\"2099-01-01T00:00:00Z\",\"token_type\":\"Bearer\"}";

    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile Function<Seen, Reply> responder = s -> Reply.json(404, "{\"error\":\"not scripted\"}");
    /** When set, writes the whole answer itself (for bodies no Reply can describe, such as endless ones). */
    private volatile RawResponder raw;
    private final ExecutorService executor;

    interface RawResponder {
        /** @return true when it answered, false to fall back to the scripted reply */
        boolean answer(Seen seen, HttpExchange ex) throws IOException;
    }

    private StubServer(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        // A thread per exchange, so that a reply a test holds back does not block the others.
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
    }

    static StubServer start() {
        try {
            return new StubServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StubServer startTls(SSLContext ssl) {
        try {
            HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            s.setHttpsConfigurator(new HttpsConfigurator(ssl));
            return new StubServer(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/api/v1";
    }

    void respond(Function<Seen, Reply> r) {
        responder = r;
    }

    void respondRaw(RawResponder r) {
        raw = r;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    long count(String pathSuffix) {
        return seen.stream().filter(s -> s.path().endsWith(pathSuffix)).count();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                    ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Content-Type"), body,
                    System.nanoTime());
            seen.add(s);
            RawResponder rawResponder = raw;
            if (rawResponder != null && rawResponder.answer(s, ex)) {
                return;
            }
            Reply r = responder.apply(s);
            r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] bytes = r.body() == null ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                ex.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
