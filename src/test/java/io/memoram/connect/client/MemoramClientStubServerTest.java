package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.model.NewMemoryBlob;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.KeyStore;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the emulator cannot show: a server that echoes secrets in its errors, an HTTP-date
 * Retry-After, redirects, a broken 2xx body, a cursor that never advances, an untrusted certificate.
 */
class MemoramClientStubServerTest {
    // Deliberately not shaped like a Memoram key or a JWT: only exact-value scrubbing can hide them.
    private static final String API_KEY = "stub-api-key-SECRET-777";
    private static final String TOKEN = "opaque-token-SECRET-42";
    private static final String MEMORY_KEY = "memory-key-SECRET-99";

    private StubServer stub;

    @BeforeEach
    void start() {
        stub = StubServer.start();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private MemoramClient client(MemoramClientConfig.Builder b) {
        return MemoramClient.create(b.build());
    }

    private MemoramClientConfig.Builder config() {
        return Clients.fast(URI.create(stub.baseUrl()), API_KEY).maxRetries(1);
    }

    /** Tokens are issued normally; every API call fails with {@code status} and a body echoing all it got. */
    private void echoSecretsWith(int status) {
        stub.respond(s -> s.path().endsWith("/auth/token")
                ? StubServer.Reply.json(200, StubServer.TOKEN_JSON.formatted(TOKEN))
                : StubServer.Reply.json(status, "{\"error\":\"refused " + s.authorization() + " for "
                        + s.body().replace("\"", "'") + " and " + API_KEY + "\"}"));
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 422, 500, 503, 409})
    void secretsEchoedByTheServerNeverReachAMessage(int status) {
        echoSecretsWith(status);
        try (MemoramClient client = client(config())) {
            assertThatThrownBy(() -> client.createMemoryBlob(new NewMemoryBlob("user-1", MEMORY_KEY,
                    "sealed-content", "title", null, List.of(), null, null, null)))
                    .isInstanceOf(MemoramException.class)
                    .satisfies(e -> assertThat(((MemoramException) e).status()).isEqualTo(status))
                    .hasMessageStartingWith("POST /memory-blobs failed: HTTP " + status + ": refused")
                    .hasMessageContaining("[hidden]")
                    .satisfies(e -> assertThat(e.getMessage())
                            .doesNotContain(API_KEY).doesNotContain(TOKEN).doesNotContain(MEMORY_KEY)
                            .doesNotContain("SECRET"));
        }
    }

    @Test
    void anApiKeyEchoedByTheTokenEndpointIsHidden() {
        stub.respond(s -> StubServer.Reply.json(401, "{\"message\":\"unknown key in " + s.body().replace("\"", "'") + "\"}"));
        try (MemoramClient client = client(config())) {
            assertThatThrownBy(() -> client.listTags("u"))
                    .isInstanceOf(MemoramAuthenticationException.class)
                    .hasMessageStartingWith("POST /auth/token failed: HTTP 401: unknown key in")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(API_KEY));
            assertThat(stub.count("/tags")).isZero();
        }
    }

    @Test
    void theTokenIsSentAsABearerAndTheApiKeyOnlyToTheTokenEndpoint() {
        stub.respond(s -> s.path().endsWith("/auth/token")
                ? StubServer.Reply.json(200, StubServer.TOKEN_JSON.formatted(TOKEN))
                : StubServer.Reply.json(200, "{\"items\":[]}"));
        try (MemoramClient client = client(config())) {
            client.listTags("u");
            StubServer.Seen tokenCall = stub.seen().get(0);
            StubServer.Seen apiCall = stub.seen().get(1);
            assertThat(tokenCall.authorization()).isNull();
            assertThat(tokenCall.contentType()).isEqualTo("application/json");
            assertThat(tokenCall.body()).isEqualTo("{\"api_key\":\"" + API_KEY + "\"}");
            assertThat(apiCall.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(apiCall.query()).isEqualTo("user_id=u");
        }
    }

    @Test
    void retryAfterAsAnHttpDateIsHonoured() {
        stub.respond(s -> {
            if (s.path().endsWith("/auth/token")) {
                return StubServer.Reply.json(200, StubServer.TOKEN_JSON.formatted(TOKEN));
            }
            if (stub.count("/tags") == 1) {
                String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
                return new StubServer.Reply(503, "busy", Map.of("Retry-After", at));
            }
            return StubServer.Reply.json(200, "{\"items\":[]}");
        });
        try (MemoramClient client = client(config().retryBackoff(Duration.ofMillis(10), Duration.ofSeconds(5)))) {
            assertThat(client.listTags("u")).isEmpty();
            List<StubServer.Seen> tags = stub.seen().stream().filter(s -> s.path().endsWith("/tags")).toList();
            assertThat(tags).hasSize(2);
            long gapMs = TimeUnit.NANOSECONDS.toMillis(tags.get(1).atNanos() - tags.get(0).atNanos());
            // The date has whole seconds: "now + 2 s" truncated is still more than 1 s ahead.
            assertThat(gapMs).isGreaterThanOrEqualTo(1000).isLessThan(5000);
        }
    }

    @Test
    void redirectsAreNotFollowed() {
        stub.respond(s -> s.path().endsWith("/auth/token")
                ? StubServer.Reply.json(200, StubServer.TOKEN_JSON.formatted(TOKEN))
                : new StubServer.Reply(302, "", Map.of("Location", "http://127.0.0.1:9/elsewhere")));
        try (MemoramClient client = client(config())) {
            assertThatThrownBy(() -> client.listTags("u"))
                    .isInstanceOf(MemoramException.class)
                    .hasMessageContaining("HTTP 302")
                    .hasMessageContaining("redirects are not followed");
            assertThat(stub.count("/tags")).isEqualTo(1);
        }
    }

    @Test
    void aBrokenSuccessBodyFailsWithoutQuotingIt() {
        stub.respond(s -> s.path().endsWith("/auth/token")
                ? StubServer.Reply.json(200, StubServer.TOKEN_JSON.formatted(TOKEN))
                : StubServer.Reply.json(200, "{\"memoryBlobs\":[{\"id\":\"b\",\"content\":\"PLAINTEXT-DIARY\",\"updated_at\":"));
        try (MemoramClient client = client(config())) {
            assertThatThrownBy(() -> client.listMemoryBlobs("u", null, null))
                    .isInstanceOf(MemoramException.class)
                    .hasMessageStartingWith("GET /memory-blobs returned a response that is not the expected JSON")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PLAINTEXT-DIARY"))
                    .satisfies(e -> assertThat(e.getCause()).isNull());
        }
    }

    @Test
    void aBrokenCredentialsBodyNeverQuotesTheKey() {
        // Unquoted, the key is a token Jackson's own message would quote ("Unrecognized token '...'").
        String key = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
        stub.respond(s -> s.path().endsWith("/auth/token")
                ? StubServer.Reply.json(200, StubServer.TOKEN_JSON.formatted(TOKEN))
                : StubServer.Reply.json(200, "{\"user_id\":\"u\",\"key_version\":1,\"encryption_key\":" + key + "}"));
        try (MemoramClient client = client(config())) {
            assertThatThrownBy(() -> client.getCredentials("r1"))
                    .isInstanceOf(MemoramException.class)
                    .hasMessageContaining("not the expected JSON")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.substring(0, 16)));
        }
    }

    @Test
    void aCursorThatNeverAdvancesStopsTheIteration() {
        stub.respond(s -> s.path().endsWith("/auth/token")
                ? StubServer.Reply.json(200, StubServer.TOKEN_JSON.formatted(TOKEN))
                : StubServer.Reply.json(200, "{\"memoryBlobs\":[{\"id\":\"a\"}],\"next_cursor\":\"same\"}"));
        try (MemoramClient client = client(config())) {
            var it = client.iterateMemoryBlobs("u", null);
            assertThat(it.next().id()).isEqualTo("a");
            // The second page repeats the cursor it was fetched with: a loop, reported instead of followed.
            assertThatThrownBy(it::hasNext).isInstanceOf(MemoramException.class).hasMessageContaining("cursor");
            assertThat(stub.count("/memory-blobs")).isEqualTo(2);
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedAtOnce() throws Exception {
        SSLContext serverSsl = selfSignedServerContext();
        try (StubServer tls = StubServer.startTls(serverSsl);
             MemoramClient client = MemoramClient.create(
                     Clients.fast(URI.create(tls.baseUrl()), API_KEY).maxRetries(3).build())) {
            tls.respond(s -> StubServer.Reply.json(200, StubServer.TOKEN_JSON.formatted(TOKEN)));
            assertThatThrownBy(client::issueToken)
                    .isInstanceOf(MemoramException.class)
                    .isNotInstanceOf(MemoramUnavailableException.class)
                    .hasMessageStartingWith("POST /auth/token failed: TLS handshake with 127.0.0.1 failed")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(API_KEY));
            assertThat(tls.seen()).as("no request got past the handshake").isEmpty();
        }
    }

    /**
     * A self-signed EC key pair for CN/SAN 127.0.0.1 (PKCS12, password "changeit", valid for 100 years),
     * made once with {@code keytool -genkeypair -keyalg EC -groupname secp256r1 -ext SAN=ip:127.0.0.1
     * -validity 36500 -storetype PKCS12}. Inlined so the test needs no process and no resource file;
     * no default trust store accepts it, which is the point.
     */
    private static final String UNTRUSTED_KEYSTORE = ""
            + "MIID/AIBAzCCA6YGCSqGSIb3DQEHAaCCA5cEggOTMIIDjzCCASYGCSqGSIb3DQEHAaCCARcEggETMIIBDzCCAQsGCyqGSIb3DQEM"
            + "CgECoIG9MIG6MGYGCSqGSIb3DQEFDTBZMDgGCSqGSIb3DQEFDDArBBQBSwYMGQhXwFGidv9PDl8mdFXlkAICJxACASAwDAYIKoZI"
            + "hvcNAgkFADAdBglghkgBZQMEASoEEK9stMd30pe+7syqtryxHhIEUFfJGpYQTDVI/IEO+/Nc1DndEpzPWlkWGIyAyac0kcBelUjy"
            + "m+FDdhGMKb++YuaHjHCCj/Os54KRyFiDreDNitaLn/+NwceJCH2sXqhzTerKMTwwFwYJKoZIhvcNAQkUMQoeCABzAHQAdQBiMCEG"
            + "CSqGSIb3DQEJFTEUBBJUaW1lIDE3OTU4MDk4MzIyNzMwggJhBgkqhkiG9w0BBwagggJSMIICTgIBADCCAkcGCSqGSIb3DQEHATBm"
            + "BgkqhkiG9w0BBQ0wWTA4BgkqhkiG9w0BBQwwKwQUjhSz87jecdvBvsS0mQm/VSJEEG4CAicQAgEgMAwGCCqGSIb3DQIJBQAwHQYJ"
            + "YIZIAWUDBAEqBBD4+NERclskD4vOksmN0RbTgIIB0ERE1kw8VCChSontL7cSRhmAKE2S8zIxOf5BJ31IVzQ5elRlf0ednP2qurTh"
            + "CJPEeOyfLGTRktN0im9Wgez5ha3wrhq1tLm7F5OcjsKN1bM8f+JsgVtXFkZ6Q80tpka5CPwKU8X7FdfN6wWPXPPSz2CioPk3zpy6"
            + "GhA2EACnsharWCbPojVI0TnMnM+kbF51lZyMrdqh4rN0mPFEtcXt078YyIOxbUXPU22bUgPW+6lhqR/C/qvLkfArbyfi30eCkSTS"
            + "KyBg2XaNRjW+dURhn5QsQHy2d2qTnO+JbkSB/GUQr0C/UrJ0tpVIclcVzhpAMzMmaj1lKSVlZzIB0noQuF8zBPrtd0VJvmPBa6yJ"
            + "thO3KJS5o98ktL3ymVZXgOfdYe2e5cDw9SuLDKz0y3NnXxp6XSe67hPqzKHqYaQykXuyVPYjgEUqrmi7b/g1226VVFOHVR7416iL"
            + "rAgXwuH+OQmccwGIRGY19k3S/SH2XtHUg8VPjZsFCwRF8o3aNmWtk+jmHDg7q+w8TXMcqzDlJCTwQufxH7eON6Ktk1moCpmmSj1F"
            + "wMrE6oXoRJ0Rm7VCs3xJ6U8BcmOJ4g/UTc+0X/yQtdKanhcsUHeIlepIdzCWME0wMTANBglghkgBZQMEAgEFAAQgIJRIDS3eOFxS"
            + "tlkd6I/uR9x0jeT6iJo3aYpibvxQQD0EFCnLrVaN78/KM7Q3TGBMGFs/O40nAgInEA==";

    private static SSLContext selfSignedServerContext() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(Base64.getDecoder().decode(UNTRUSTED_KEYSTORE)), "changeit".toCharArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }
}
