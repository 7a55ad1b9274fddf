package io.memoram.connect.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runtime fault injection (Java API and admin HTTP) and the request counter. */
class EmulatorFaultTest {
    private MemoramEmulator emu;
    private EmulatorHttp http;
    private String token;
    private EmulatedUser user;

    @BeforeEach
    void start() {
        emu = MemoramEmulator.start();
        http = new EmulatorHttp(emu);
        String apiKey = emu.createApiKey();
        token = http.token(apiKey);
        user = emu.createUser();
        emu.grantAccess(apiKey, user);
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @Test
    void statusFaultsHitTheNextRequestsThenStop() {
        emu.faults().next(2, Fault.status(503));
        EmulatorHttp.Reply first = list();
        assertThat(first.status()).isEqualTo(503);
        assertThat(first.json().get("error").asText()).contains("injected");
        assertThat(list().status()).isEqualTo(503);
        assertThat(emu.faults().pending()).isZero();
        assertThat(list().status()).isEqualTo(200);
        assertThat(emu.requestCount("GET", "/memory-blobs")).isEqualTo(3);
    }

    @Test
    void faultsCanBeScopedToAMethodAndPathPrefix() {
        emu.faults().on("POST", "/memory-blobs").next(2, Fault.tooManyRequests(1));
        assertThat(list().status()).isEqualTo(200);
        EmulatorHttp.Reply limited = create("a");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("1");
        assertThat(create("b").status()).isEqualTo(429);
        assertThat(create("c").status()).isEqualTo(201);
        // The rejected writes had no effect.
        assertThat(emu.blobs(user.userId())).hasSize(1);
        assertThat(emu.requestCount("POST", "/memory-blobs")).isEqualTo(3);
        assertThat(emu.requestCount(null, "/memory-blobs")).isEqualTo(4);
        assertThat(emu.requestCount("DELETE", "/memory-blobs")).isZero();
    }

    @Test
    void delayFaultsSlowTheResponseButStillAnswer() {
        emu.faults().next(1, Fault.delay(Duration.ofMillis(700)));
        long t0 = System.nanoTime();
        assertThat(list().status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void aDelayedRequestDoesNotBlockOthers() throws Exception {
        emu.faults().next(1, Fault.delay(Duration.ofMillis(1500)));
        CompletableFuture<EmulatorHttp.Reply> slow = CompletableFuture.supplyAsync(this::list);
        // Once the slow request has consumed the fault, another request is answered while it still waits.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> emu.faults().pending() == 0);
        assertThat(list().status()).isEqualTo(200);
        assertThat(slow).isNotDone();
        assertThat(slow.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void dropClosesTheConnectionWithoutResponseAndWithoutEffect() {
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.drop());
        assertThatThrownBy(() -> http.apiOrThrow("POST", "/memory-blobs", token, body("dropped"))).isInstanceOf(IOException.class);
        assertThat(emu.blobs(user.userId())).isEmpty();
        assertThat(create("after").status()).isEqualTo(201);
    }

    @Test
    void dropAfterHandlingLosesTheResponseButTheWriteLands() {
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.dropAfterHandling());
        assertThatThrownBy(() -> http.apiOrThrow("POST", "/memory-blobs", token, body("landed"))).isInstanceOf(IOException.class);
        assertThat(emu.blobs(user.userId())).extracting(StoredBlob::title).containsExactly("landed");
    }

    @Test
    void stallSendsHeadersAndHalfTheBodyThenNothingUntilCleared() throws IOException {
        emu.faults().on("POST", "/memory-blobs").next(1, Fault.stall());
        assertStalls("POST", "/memory-blobs", "{\"user_id\":\"" + user.userId() + "\",\"memoryKey\":\"" + user.memoryKey()
                + "\",\"content\":\"" + emu.seal(user.userId(), "x") + "\",\"title\":\"stalled\"}", 201);
        assertThat(emu.blobs(user.userId())).extracting(StoredBlob::title).containsExactly("stalled"); // the write landed
        assertThat(create("after").status()).isEqualTo(201);
    }

    @Test
    void stallCanBeArmedOverAdminHttp() throws IOException {
        assertThat(http.admin("POST", "/faults", Map.of("method", "GET", "path", "/memory-blobs", "stall", true,
                "stall_ms", 600_000)).json().get("fault").asText()).isEqualTo("stall(PT10M)");
        assertThat(http.admin("POST", "/faults", Map.of("stall", true, "stall_ms", 0)).status()).isEqualTo(400);
        assertStalls("GET", "/memory-blobs?user_id=" + user.userId(), null, 200);
        assertThat(list().status()).isEqualTo(200);
    }

    /** Over a raw socket: status and headers, exactly half the announced body, silence, then EOF once cleared. */
    private void assertStalls(String method, String pathAndQuery, String body, int status) throws IOException {
        URI base = URI.create(emu.baseUrl());
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String head = method + " " + base.getPath() + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + payload.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(payload);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String headers = readHeaders(in);
            assertThat(headers).startsWith("HTTP/1.1 " + status);
            int length = Integer.parseInt(headers.replaceAll("(?is).*content-length:\\s*(\\d+).*", "$1"));
            assertThat(in.readNBytes(length / 2)).hasSize(length / 2);
            // Silence: nothing more arrives while the fault holds (the socket's read timeout ends the wait).
            socket.setSoTimeout(500);
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
            emu.faults().clear();
            socket.setSoTimeout(30_000);
            assertThat(in.read()).isEqualTo(-1); // released: closed with the body still short
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the headers");
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void faultsArmedOverAdminHttpBehaveTheSame() {
        assertThat(http.admin("POST", "/faults", Map.of("method", "GET", "path", "/memory-blobs", "count", 1,
                "status", 429, "retry_after", 3)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/faults", Map.of("path", "/tags", "status", 500)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/faults", Map.of("path", "/access-requests", "delay_ms", 300)).status()).isEqualTo(201);
        assertThat(http.admin("POST", "/faults", Map.of("method", "POST", "drop", true)).status()).isEqualTo(201);
        assertThat(http.admin("GET", "/state", null).json().get("pending_faults").asInt()).isEqualTo(4);

        EmulatorHttp.Reply limited = list();
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("3");
        assertThat(http.api("GET", "/tags?user_id=" + user.userId(), token, null).status()).isEqualTo(500);
        long t0 = System.nanoTime();
        assertThat(http.api("GET", "/access-requests", token, null).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThatThrownBy(() -> http.apiOrThrow("POST", "/memory-blobs", token, body("x"))).isInstanceOf(IOException.class);

        assertThat(http.admin("POST", "/faults", Map.of("status", 503, "count", 10)).status()).isEqualTo(201);
        assertThat(http.admin("DELETE", "/faults", null).status()).isEqualTo(200);
        assertThat(emu.faults().pending()).isZero();
        assertThat(list().status()).isEqualTo(200);
        assertThat(http.admin("POST", "/faults", Map.of("path", "/tags")).status()).isEqualTo(400);
        assertThat(http.admin("POST", "/faults", Map.of("status", 42)).status()).isEqualTo(400);
    }

    @Test
    void clearDisarmsEverythingAndAdminRequestsAreNeverFaultedOrCounted() {
        emu.faults().next(5, Fault.status(500));
        assertThat(http.admin("GET", "/state", null).status()).isEqualTo(200);
        assertThat(emu.faults().pending()).isEqualTo(5);
        emu.faults().clear();
        assertThat(list().status()).isEqualTo(200);
        assertThat(emu.requestCount(null, null)).isEqualTo(2); // the token request and the listing
        emu.resetRequestCounts();
        assertThat(emu.requestCount(null, null)).isZero();
    }

    @Test
    void latencyDelaysEveryApiCallButNotTheAdminInterface() {
        emu.latency(Duration.ofMillis(400));
        long t0 = System.nanoTime();
        assertThat(list().status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        emu.latency(Duration.ZERO);
        assertThat(list().status()).isEqualTo(200);
        assertThatThrownBy(() -> emu.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    private EmulatorHttp.Reply list() {
        return http.api("GET", "/memory-blobs?user_id=" + user.userId(), token, null);
    }

    private Map<String, Object> body(String title) {
        return Map.of("user_id", user.userId(), "memoryKey", user.memoryKey(), "content", "c", "title", title,
                "tags", List.of());
    }

    private EmulatorHttp.Reply create(String title) {
        return http.api("POST", "/memory-blobs", token, body(title));
    }
}
