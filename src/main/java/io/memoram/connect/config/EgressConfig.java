package io.memoram.connect.config;

import io.memoram.connect.client.Egress;
import io.memoram.connect.client.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The proxy and truststore settings of both connectors (docs/operations.md, "Egress"): used by the
 * connector's own HTTP client only, never set on the worker's JVM.
 */
public final class EgressConfig {
    public static final String EGRESS_GROUP = "Proxy and TLS";

    public static final String PROXY_HOST_CONFIG = "memoram.http.proxy.host";
    private static final String PROXY_HOST_DOC = "Host of an HTTP proxy the connector's calls to memoram.api.url go through (https calls as a CONNECT tunnel). Used by this connector's client only; the worker's JVM settings are untouched. Empty: direct connections.";

    public static final String PROXY_PORT_CONFIG = "memoram.http.proxy.port";
    private static final String PROXY_PORT_DOC = "Port of the proxy, 1 to 65535; required with memoram.http.proxy.host.";

    public static final String PROXY_USER_CONFIG = "memoram.http.proxy.user";
    private static final String PROXY_USER_DOC = "User for the proxy's Basic authentication (a password-type setting: supply it through a config provider; it never shows in logs or REST). Sent to the proxy with every call, on https calls with the CONNECT request (the JDK's own 407 handling refuses Basic for tunnels).";

    public static final String PROXY_PASSWORD_CONFIG = "memoram.http.proxy.password";
    private static final String PROXY_PASSWORD_DOC = "Password for the proxy's Basic authentication; required with memoram.http.proxy.user.";

    public static final String TRUSTSTORE_LOCATION_CONFIG = "memoram.http.truststore.location";
    private static final String TRUSTSTORE_LOCATION_DOC = "A truststore file whose certificates (and only those) this connector trusts for memoram.api.url, e.g. a TLS-inspecting gateway's CA. Empty: the JVM's trusted certificates. Read when the connector or task starts; host names are still verified.";

    public static final String TRUSTSTORE_PASSWORD_CONFIG = "memoram.http.truststore.password";
    private static final String TRUSTSTORE_PASSWORD_DOC = "Password of the truststore (its integrity check); may be empty for a PKCS12 file without one.";

    public static final String TRUSTSTORE_TYPE_CONFIG = "memoram.http.truststore.type";
    public static final List<String> TRUSTSTORE_TYPES = List.of("PKCS12", "JKS");
    private static final String TRUSTSTORE_TYPE_DOC = "Format of the truststore: PKCS12 or JKS.";

    private EgressConfig() { }

    static void define(ConfigDef def) {
        int order = 0;
        def.define(PROXY_HOST_CONFIG, Type.STRING, "", Importance.LOW, PROXY_HOST_DOC, EGRESS_GROUP, ++order, Width.MEDIUM, "Proxy host");
        def.define(PROXY_PORT_CONFIG, Type.INT, null, ConfigDef.LambdaValidator.with((name, value) -> {
            if (value != null && ((Integer) value < 1 || (Integer) value > 65535)) {
                throw new ConfigException(name, value, "must be between 1 and 65535");
            }
        }, () -> "1 to 65535"), Importance.LOW, PROXY_PORT_DOC, EGRESS_GROUP, ++order, Width.SHORT, "Proxy port");
        def.define(PROXY_USER_CONFIG, Type.PASSWORD, "", Importance.LOW, PROXY_USER_DOC, EGRESS_GROUP, ++order, Width.MEDIUM, "Proxy user");
        def.define(PROXY_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, PROXY_PASSWORD_DOC, EGRESS_GROUP, ++order, Width.MEDIUM,
                "Proxy password");
        def.define(TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.LOW, TRUSTSTORE_LOCATION_DOC, EGRESS_GROUP, ++order,
                Width.LONG, "Truststore location");
        def.define(TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, TRUSTSTORE_PASSWORD_DOC, EGRESS_GROUP, ++order,
                Width.MEDIUM, "Truststore password");
        def.define(TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in(TRUSTSTORE_TYPES.toArray(new String[0])), Importance.LOW,
                TRUSTSTORE_TYPE_DOC, EGRESS_GROUP, ++order, Width.SHORT, "Truststore type", Validators.recommend(TRUSTSTORE_TYPES));
    }

    /**
     * The egress these settings describe; reads and checks the truststore.
     *
     * @throws ConfigException naming the setting at fault (never a password)
     */
    static Egress parse(AbstractConfig c) {
        String host = blankToNull(c.getString(PROXY_HOST_CONFIG));
        Integer port = c.getInt(PROXY_PORT_CONFIG);
        if (host != null && port == null) {
            throw new Invalid(PROXY_PORT_CONFIG, PROXY_PORT_CONFIG, null, "is required when " + PROXY_HOST_CONFIG + " is set");
        }
        if (host == null && port != null) {
            throw new Invalid(PROXY_HOST_CONFIG, PROXY_HOST_CONFIG, "", "is required when " + PROXY_PORT_CONFIG + " is set");
        }
        String user = blankToNull(value(c.getPassword(PROXY_USER_CONFIG)));
        String password = value(c.getPassword(PROXY_PASSWORD_CONFIG));
        if (user != null && host == null) {
            throw new Invalid(PROXY_USER_CONFIG, PROXY_USER_CONFIG + " is set but " + PROXY_HOST_CONFIG + " is not");
        }
        if (user != null && password.isEmpty()) {
            // The value is a secret: ConfigException(name, value, ...) would print it.
            throw new Invalid(PROXY_PASSWORD_CONFIG, PROXY_PASSWORD_CONFIG + " is required when " + PROXY_USER_CONFIG + " is set");
        }
        if (user == null && !password.isEmpty()) {
            throw new Invalid(PROXY_USER_CONFIG, PROXY_USER_CONFIG + " is required when " + PROXY_PASSWORD_CONFIG + " is set");
        }
        InetSocketAddress proxy = host == null ? null : InetSocketAddress.createUnresolved(host, port);
        SSLContext ssl = sslContext(blankToNull(c.getString(TRUSTSTORE_LOCATION_CONFIG)),
                value(c.getPassword(TRUSTSTORE_PASSWORD_CONFIG)), c.getString(TRUSTSTORE_TYPE_CONFIG));
        return new Egress(proxy, user, user == null ? null : Secret.of(password), ssl);
    }

    /** A setting of this group at fault: the exception names it, so validate() can put the error on its field. */
    static final class Invalid extends ConfigException {
        private static final long serialVersionUID = 1L;
        private final String setting;

        /** As {@code ConfigException(name, value, message)}; never for a password's value. */
        Invalid(String setting, String name, Object value, String message) {
            super(name, value, message);
            this.setting = setting;
        }

        /** As {@code ConfigException(message)}. */
        Invalid(String setting, String message) {
            super(message);
            this.setting = setting;
        }

        String setting() {
            return setting;
        }
    }

    private static SSLContext sslContext(String location, String password, String type) {
        if (location == null) {
            return null;
        }
        Path path = Path.of(location);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new Invalid(TRUSTSTORE_LOCATION_CONFIG, TRUSTSTORE_LOCATION_CONFIG, location, "is not a readable file");
        }
        String storeType = type.trim().toUpperCase(Locale.ROOT);
        KeyStore store;
        try (InputStream in = Files.newInputStream(path)) {
            store = KeyStore.getInstance(storeType);
            store.load(in, password.isEmpty() ? null : password.toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            // The JDK's message names neither the password nor the content; its cause says why (wrong password, wrong format).
            throw new Invalid(TRUSTSTORE_LOCATION_CONFIG, TRUSTSTORE_LOCATION_CONFIG, location, "cannot be opened as a " + storeType
                    + " truststore with " + TRUSTSTORE_PASSWORD_CONFIG + " (wrong password, or not a " + storeType + " file: "
                    + e.getClass().getSimpleName() + ")");
        }
        try {
            if (store.size() == 0) {
                throw new Invalid(TRUSTSTORE_LOCATION_CONFIG, TRUSTSTORE_LOCATION_CONFIG, location, "holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new Invalid(TRUSTSTORE_LOCATION_CONFIG, TRUSTSTORE_LOCATION_CONFIG, location, "holds no usable certificate ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static String value(Password p) {
        return p == null || p.value() == null ? "" : p.value();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
