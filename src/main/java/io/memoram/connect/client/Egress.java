package io.memoram.connect.client;

import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this client reaches the API: directly or through an HTTP proxy (optionally with Basic
 * credentials), and with the JVM's trusted certificates or a truststore of its own. Applied to this
 * client's HttpClient only, never to the worker's JVM (no system properties, no default Authenticator
 * or SSLContext), so other plugins on the worker are untouched.
 *
 * <p>Proxy credentials travel as a Proxy-Authorization header on every request, not through an
 * {@link java.net.Authenticator}: with an Authenticator set, JDK 17's HttpClient drops the
 * request's own Authorization header (the API's bearer token) once it answers a proxy challenge.
 * For https calls the header has to reach the proxy with the CONNECT request, which the JDK allows
 * only when Basic is not in {@code jdk.http.auth.tunneling.disabledSchemes}; the JDK's
 * net.properties lists it there by default, so such a worker needs
 * {@code -Djdk.http.auth.tunneling.disabledSchemes=} (docs/operations.md, "Egress").
 * MemoramClientEgressTest pins both behaviours of the JDK.
 *
 * @param proxy         the proxy, or null for direct connections
 * @param proxyUser     Basic credentials for the proxy, or null
 * @param proxyPassword its password, or null
 * @param sslContext    the TLS context trusting the configured truststore, or null for the JVM's default
 */
public record Egress(InetSocketAddress proxy, String proxyUser, Secret proxyPassword, SSLContext sslContext) {
    public static final Egress DIRECT = new Egress(null, null, null, null);
    static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";
    private static final Logger log = LoggerFactory.getLogger(Egress.class);

    /** Neither the user nor the password ever shows. */
    @Override
    public String toString() {
        return "Egress[proxy=" + (proxy == null ? "none" : proxy.getHostString() + ":" + proxy.getPort())
                + (proxyUser == null ? "" : ", proxy credentials") + ", truststore=" + (sslContext == null ? "default" : "own") + "]";
    }

    void applyTo(HttpClient.Builder b, URI baseUrl) {
        if (proxy != null) {
            b.proxy(ProxySelector.of(proxy));
            if (proxyUser != null && "https".equalsIgnoreCase(baseUrl.getScheme()) && basicTunnelingDisabled()) {
                log.warn("memoram.http.proxy.user is set for an https memoram.api.url, but this JVM does not send Basic "
                        + "credentials with a CONNECT request ({}: Basic, the JDK's default): the proxy will answer 407. Start "
                        + "the worker with -D{}= (see docs/operations.md, Egress).", TUNNELING_DISABLED_SCHEMES, TUNNELING_DISABLED_SCHEMES);
            }
        }
        if (sslContext != null) {
            b.sslContext(sslContext);
        }
    }

    /** Whether the JDK strips Basic Proxy-Authorization from CONNECT requests (unset: net.properties, which lists Basic). */
    static boolean basicTunnelingDisabled() {
        String schemes = System.getProperty(TUNNELING_DISABLED_SCHEMES);
        return schemes == null || schemes.toLowerCase(Locale.ROOT).contains("basic");
    }

    /** The Proxy-Authorization header every request carries, or null (no proxy, or one without credentials). */
    String proxyAuthorization() {
        if (proxy == null || proxyUser == null) {
            return null;
        }
        String pair = proxyUser + ":" + proxyPassword.reveal();
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
