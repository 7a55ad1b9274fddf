package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.config.EgressConfig;
import io.memoram.connect.config.MemoramSourceConfig;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.ForwardProxy;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.SelfSignedTls;
import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * memoram.http.proxy.* and memoram.http.truststore.*: the client built from a connector's settings
 * calls the emulator through a real forward proxy (which records what it was asked) and over TLS
 * with a self-signed certificate that only the configured truststore trusts.
 */
class MemoramClientEgressTest {
    @TempDir
    static Path dir;
    private static SelfSignedTls tls;
    private static MemoramEmulator http;
    private static MemoramEmulator https;

    @BeforeAll
    static void start() {
        tls = SelfSignedTls.create(dir);
        http = MemoramEmulator.start();
        https = MemoramEmulator.startHttps(tls.serverContext());
    }

    @AfterAll
    static void stop() {
        http.close();
        https.close();
    }

    private static Map<String, String> settings(MemoramEmulator emu, String apiKey) {
        Map<String, String> c = new HashMap<>();
        c.put("memoram.api.url", emu.baseUrl());
        c.put("memoram.api.key", apiKey);
        c.put("memoram.access.request.ids", "r1");
        c.put("memoram.max.retries", "0");
        c.put("memoram.retry.backoff.ms", "10");
        return c;
    }

    private static MemoramClient client(Map<String, String> settings) {
        return MemoramClient.create(new MemoramSourceConfig(settings).clientConfig(RequestListener.NONE));
    }

    /** A key with one granted user: the calls below list its request. */
    private static String keyWithAUser(MemoramEmulator emu) {
        String apiKey = emu.createApiKey();
        EmulatedUser u = emu.createUser();
        emu.grantAccess(apiKey, u);
        return apiKey;
    }

    private static void trusting(Map<String, String> c, String type) {
        c.put(EgressConfig.TRUSTSTORE_LOCATION_CONFIG, tls.trustStore(type).toString());
        c.put(EgressConfig.TRUSTSTORE_PASSWORD_CONFIG, SelfSignedTls.PASSWORD);
        c.put(EgressConfig.TRUSTSTORE_TYPE_CONFIG, type);
    }

    private static void proxied(Map<String, String> c, ForwardProxy proxy) {
        c.put(EgressConfig.PROXY_HOST_CONFIG, "127.0.0.1");
        c.put(EgressConfig.PROXY_PORT_CONFIG, String.valueOf(proxy.port()));
    }

    @Test
    void plainHttpCallsGoThroughTheProxy() throws IOException {
        try (ForwardProxy proxy = ForwardProxy.open()) {
            Map<String, String> c = settings(http, keyWithAUser(http));
            proxied(c, proxy);
            try (MemoramClient client = client(c)) {
                assertThat(client.listAccessRequests()).hasSize(1);
            }
            assertThat(proxy.seen()).containsExactly(
                    "POST " + http.baseUrl() + "/auth/token HTTP/1.1",
                    "GET " + http.baseUrl() + "/access-requests HTTP/1.1");
        }
    }

    @Test
    void httpsThroughAnOpenProxyWithTheTruststore() throws IOException {
        try (ForwardProxy proxy = ForwardProxy.open()) {
            Map<String, String> c = settings(https, keyWithAUser(https));
            proxied(c, proxy);
            trusting(c, "PKCS12");
            try (MemoramClient client = client(c)) {
                assertThat(client.listAccessRequests()).hasSize(1);
            }
            assertThat(proxy.seen()).isNotEmpty().allSatisfy(line ->
                    assertThat(line).isEqualTo("CONNECT 127.0.0.1:" + https.port() + " HTTP/1.1"));
        }
    }

    /**
     * https through a proxy that wants credentials: refused (407) on a JVM with the JDK's default
     * jdk.http.auth.tunneling.disabledSchemes=Basic, which strips Basic credentials from CONNECT
     * requests; through in a JVM started with that property emptied (docs/operations.md, "Egress").
     */
    @Test
    void httpsThroughAProxyThatRequiresCredentialsNeedsBasicTunnelingEnabled() throws Exception {
        assertThat(System.getProperty("jdk.http.auth.tunneling.disabledSchemes")).as("this JVM runs with the JDK's default").isNull();
        try (ForwardProxy proxy = ForwardProxy.requiring("alice", "s3cret:pw")) {
            Map<String, String> c = settings(https, keyWithAUser(https));
            proxied(c, proxy);
            trusting(c, "PKCS12");
            c.put(EgressConfig.PROXY_USER_CONFIG, "alice");
            c.put(EgressConfig.PROXY_PASSWORD_CONFIG, "s3cret:pw");
            try (MemoramClient client = client(c)) {
                assertThatThrownBy(client::listAccessRequests).isInstanceOf(MemoramException.class).hasMessageContaining("407");
            }
            assertThat(proxy.refused()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("CONNECT "));
            assertThat(proxy.seen()).isEmpty();

            // The same client in a JVM whose tunnels may carry Basic credentials.
            Map<String, String> forked = new HashMap<>(c);
            forked.put("memoram.api.key", keyWithAUser(https));
            assertThat(EgressProbe.run(forked, "-Djdk.http.auth.tunneling.disabledSchemes=")).isEqualTo("requests=1");
            assertThat(proxy.seen()).isNotEmpty().allSatisfy(line ->
                    assertThat(line).isEqualTo("CONNECT 127.0.0.1:" + https.port() + " HTTP/1.1"));
        }
    }

    /**
     * Why the client sends Proxy-Authorization itself instead of setting an Authenticator: once JDK
     * 17's HttpClient answers a proxy's challenge through its Authenticator, it drops the request's
     * own Authorization header (the API's bearer token) before forwarding.
     */
    @Test
    void theJdksAuthenticatorDropsTheRequestsAuthorizationBehindAProxy() throws Exception {
        try (ForwardProxy proxy = ForwardProxy.requiring("alice", "pw")) {
            HttpClient jdk = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address()))
                    .authenticator(new Authenticator() {
                        @Override
                        protected PasswordAuthentication getPasswordAuthentication() {
                            return new PasswordAuthentication("alice", "pw".toCharArray());
                        }
                    }).build();
            HttpRequest get = HttpRequest.newBuilder(URI.create(http.baseUrl() + "/access-requests"))
                    .header("Authorization", "Bearer abc").build();
            jdk.send(get, HttpResponse.BodyHandlers.discarding());
            assertThat(proxy.heads()).hasSize(1);
            assertThat(proxy.heads().get(0)).noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("authorization:"));
        }
    }

    @Test
    void plainHttpThroughAProxyThatRequiresCredentials() throws IOException {
        try (ForwardProxy proxy = ForwardProxy.requiring("alice", "pw")) {
            Map<String, String> c = settings(http, keyWithAUser(http));
            proxied(c, proxy);
            try (MemoramClient client = client(c)) {
                assertThatThrownBy(client::listAccessRequests).isInstanceOf(MemoramException.class);
            }
            assertThat(proxy.refused()).as("no credentials: the proxy refused").isNotEmpty();
            assertThat(proxy.seen()).isEmpty();

            c.put(EgressConfig.PROXY_USER_CONFIG, "alice");
            c.put(EgressConfig.PROXY_PASSWORD_CONFIG, "pw");
            try (MemoramClient client = client(c)) {
                assertThat(client.listAccessRequests()).hasSize(1);
            }
            assertThat(proxy.seen()).hasSize(2);
        }
    }

    @Test
    void wrongProxyCredentialsFailAndNeverShow() throws IOException {
        try (ForwardProxy proxy = ForwardProxy.requiring("alice", "right")) {
            Map<String, String> c = settings(http, keyWithAUser(http));
            proxied(c, proxy);
            c.put(EgressConfig.PROXY_USER_CONFIG, "alice");
            c.put(EgressConfig.PROXY_PASSWORD_CONFIG, "wrong-pw-xyz");
            try (MemoramClient client = client(c)) {
                assertThat(client.config().egress().toString()).doesNotContain("alice").doesNotContain("wrong-pw-xyz");
                assertThatThrownBy(client::listAccessRequests).isInstanceOf(MemoramException.class)
                        .satisfies(e -> assertThat(e.toString()).doesNotContain("wrong-pw-xyz"));
            }
            assertThat(proxy.refused()).isNotEmpty();
            assertThat(proxy.seen()).isEmpty();
        }
    }

    /**
     * What is true of the JDK: with its default net.properties (jdk.http.auth.tunneling.disabledSchemes=Basic)
     * java.net.http's HttpClient does not answer a proxy's Basic challenge to the CONNECT of an https
     * call, even with an Authenticator; the 407 is the response.
     */
    @Test
    void theJdksHttpClientDoesNotAnswerAProxysBasicChallengeToATunnel() throws Exception {
        try (ForwardProxy proxy = ForwardProxy.requiring("alice", "pw")) {
            SSLContext trusting = new MemoramSourceConfig(withTrust(settings(https, "k"))).egress().sslContext();
            HttpClient jdk = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).sslContext(trusting)
                    .authenticator(new Authenticator() {
                        @Override
                        protected PasswordAuthentication getPasswordAuthentication() {
                            return new PasswordAuthentication("alice", "pw".toCharArray());
                        }
                    }).build();
            HttpRequest get = HttpRequest.newBuilder(URI.create(https.baseUrl() + "/access-requests")).build();
            assertThat(jdk.send(get, HttpResponse.BodyHandlers.discarding()).statusCode()).as("the proxy's answer").isEqualTo(407);
            assertThat(proxy.refused()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("CONNECT "));
            assertThat(proxy.seen()).isEmpty();
        }
    }

    private static Map<String, String> withTrust(Map<String, String> c) {
        trusting(c, "PKCS12");
        return c;
    }

    @Test
    void aSelfSignedCertificateIsTrustedOnlyThroughTheTruststore() {
        String apiKey = keyWithAUser(https);
        for (String type : new String[] {"PKCS12", "JKS"}) {
            Map<String, String> c = settings(https, apiKey);
            trusting(c, type);
            try (MemoramClient client = client(c)) {
                assertThat(client.listAccessRequests()).as(type).hasSize(1);
            }
        }
        try (MemoramClient client = client(settings(https, apiKey))) {
            assertThatThrownBy(client::listAccessRequests).isInstanceOf(MemoramException.class)
                    .satisfies(e -> assertThat(e.getMessage()).contains("PKIX path building failed")
                            .contains(EgressConfig.TRUSTSTORE_LOCATION_CONFIG));
        }
    }

    @Test
    void settingsAreCheckedNamingTheSettingButNeverThePassword() throws IOException {
        Map<String, String> c = settings(https, "k");
        c.put(EgressConfig.PROXY_HOST_CONFIG, "proxy.example");
        c.put(EgressConfig.PROXY_PORT_CONFIG, "70000");
        assertThatThrownBy(() -> new MemoramSourceConfig(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(EgressConfig.PROXY_PORT_CONFIG);
        c.remove(EgressConfig.PROXY_PORT_CONFIG);
        assertThatThrownBy(() -> new MemoramSourceConfig(c)).hasMessageContaining(EgressConfig.PROXY_PORT_CONFIG);
        c.put(EgressConfig.PROXY_PORT_CONFIG, "3128");
        c.put(EgressConfig.PROXY_PASSWORD_CONFIG, "only-a-pw");
        assertThatThrownBy(() -> new MemoramSourceConfig(c)).hasMessageContaining(EgressConfig.PROXY_USER_CONFIG)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("only-a-pw"));
        c.remove(EgressConfig.PROXY_PASSWORD_CONFIG);
        c.put(EgressConfig.PROXY_USER_CONFIG, "bob");
        assertThatThrownBy(() -> new MemoramSourceConfig(c)).hasMessageContaining(EgressConfig.PROXY_PASSWORD_CONFIG);
        c.remove(EgressConfig.PROXY_USER_CONFIG);

        Map<String, String> t = settings(https, "k");
        t.put(EgressConfig.TRUSTSTORE_LOCATION_CONFIG, dir.resolve("missing.p12").toString());
        assertThatThrownBy(() -> new MemoramSourceConfig(t)).hasMessageContaining(EgressConfig.TRUSTSTORE_LOCATION_CONFIG)
                .hasMessageContaining("missing.p12");
        trusting(t, "PKCS12");
        t.put(EgressConfig.TRUSTSTORE_PASSWORD_CONFIG, "not-the-password-42");
        assertThatThrownBy(() -> new MemoramSourceConfig(t)).hasMessageContaining(EgressConfig.TRUSTSTORE_LOCATION_CONFIG)
                .hasMessageContaining(EgressConfig.TRUSTSTORE_PASSWORD_CONFIG)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-password-42"));
        Path junk = Files.writeString(dir.resolve("junk.jks"), "not a key store");
        trusting(t, "JKS");
        t.put(EgressConfig.TRUSTSTORE_LOCATION_CONFIG, junk.toString());
        assertThatThrownBy(() -> new MemoramSourceConfig(t)).hasMessageContaining("JKS");
        t.put(EgressConfig.TRUSTSTORE_TYPE_CONFIG, "PEM");
        assertThatThrownBy(() -> new MemoramSourceConfig(t)).hasMessageContaining(EgressConfig.TRUSTSTORE_TYPE_CONFIG);
    }
}
