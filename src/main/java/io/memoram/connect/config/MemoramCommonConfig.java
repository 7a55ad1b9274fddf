package io.memoram.connect.config;

import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.RequestListener;
import io.memoram.connect.client.Secret;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.ContentCiphers;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The settings both connectors take (docs/configuration.md), and
 * the one place that turns them into a {@link MemoramClientConfig}.
 */
public abstract class MemoramCommonConfig extends AbstractConfig {

    public static final String CONNECTION_GROUP = "Memoram connection";
    public static final String ACCESS_GROUP = "Access";
    public static final String RETRY_GROUP = "Retries and rate limits";

    // Upper bounds of the duration settings: far beyond any sensible value, far below where
    // now + interval wraps or Duration.toNanos() overflows.
    public static final long ONE_HOUR_MS = 3_600_000L;
    public static final long ONE_DAY_MS = 86_400_000L;
    public static final long SEVEN_DAYS_MS = 7 * ONE_DAY_MS;

    public static final String API_URL_CONFIG = "memoram.api.url";
    public static final String API_URL_DEFAULT = "https://api.memoram.app/api/v1";
    private static final String API_URL_DOC = "Base URL of the Memoram API: the public service, a staging host, a proxy or the Memoram emulator. Must be an absolute http(s) URL.";
    private static final String API_URL_DISPLAY = "API base URL";

    public static final String API_ALLOW_INSECURE_HTTP_CONFIG = "memoram.api.allow.insecure.http";
    private static final String API_ALLOW_INSECURE_HTTP_DOC = "Allow an http:// memoram.api.url to a host that is not loopback. Every call carries the API key or a JWT, and the connector fetches users' memory keys and encryption keys: over plain http anyone on the network path reads them. Leave false and use https://; plain http to localhost, 127.0.0.0/8 or ::1 (the emulator, a local TLS-terminating proxy) is always allowed.";

    public static final String API_KEY_CONFIG = "memoram.api.key";
    private static final String API_KEY_DOC = "Developer API key (mem_ + 48 hex characters), exchanged for short-lived JWTs. Supply it through a config provider (${file:...} or ${env:...}) so that the REST API echoes only the reference.";
    private static final String API_KEY_DISPLAY = "Developer API key";

    public static final String ACCESS_REQUEST_IDS_CONFIG = "memoram.access.request.ids";
    private static final String ACCESS_REQUEST_IDS_DOC = "Ids of access requests the users approved (or will approve). Each approved request is one user whose memories the connector may read or write.";
    private static final String ACCESS_REQUEST_IDS_DISPLAY = "Access request ids";

    public static final String MEMORY_KEYS_CONFIG = "memoram.memory.keys";
    private static final String MEMORY_KEYS_DOC = "Comma-separated memory keys of users. For each key the connector reuses an existing access request for that key or files one, and remembers its id, so a restart never files a second request. Secret: supply through a config provider.";
    private static final String MEMORY_KEYS_DISPLAY = "User memory keys";

    public static final String ACCESS_REQUEST_REASON_CONFIG = "memoram.access.request.reason";
    public static final String ACCESS_REQUEST_REASON_DEFAULT = "Kafka Connect (kafka-connect-memoram) would like to sync your memories between Memoram and your team's data pipelines.";
    private static final String ACCESS_REQUEST_REASON_DOC = "Shown to the user on the approval screen of the access requests the connector files (at most 255 characters).";
    private static final String ACCESS_REQUEST_REASON_DISPLAY = "Access request reason";
    /** The API's limit; one constant for the config, the access resolver and the client. */
    public static final int ACCESS_REQUEST_REASON_MAX = MemoramClient.MAX_REASON_LENGTH;

    public static final String ACCESS_DISCOVERY_CONFIG = "memoram.access.discovery";
    public static final String ACCESS_DISCOVERY_DEFAULT = "off";
    private static final String ACCESS_DISCOVERY_DOC = "Serve users without listing them: 'off' serves only memoram.access.request.ids and memoram.memory.keys; 'reason' also every approved access request of the developer account whose reason is exactly memoram.access.request.reason (one pipeline's users: give each pipeline its own reason); 'all' also every approved request of the account. The account's requests are read at start and every memoram.access.check.interval.ms, by every task itself (a source task serves the users of its share, a stable hash of the user id, so an approval or a revocation restarts no task and moves no other user); see docs/access-flow.md.";

    public static final String ACCESS_CHECK_INTERVAL_MS_CONFIG = "memoram.access.check.interval.ms";
    public static final long ACCESS_CHECK_INTERVAL_MS_DEFAULT = 60_000L;
    private static final String ACCESS_CHECK_INTERVAL_MS_DOC = "How often each task re-reads its access requests (and, with memoram.access.discovery, the account's list of requests), and how often pending, rejected and revoked requests are checked again, in milliseconds. An approval found this way starts the user's stream (source) or lets the user's records be written (sink) without a restart. At most seven days.";

    public static final String CONTENT_ENCRYPTION_CONFIG = "memoram.content.encryption";
    public static final String CONTENT_ENCRYPTION_DEFAULT = ContentCiphers.AES_GCM;
    private static final String CONTENT_ENCRYPTION_DOC = "How blob content is sealed: 'aes-gcm' (AES-GCM with the user's key, Base64 of nonce || ciphertext || tag) or 'plaintext' (content passes unchanged, for deployments where the server seals it).";
    private static final String CONTENT_ENCRYPTION_DISPLAY = "Content encryption";

    public static final String HTTP_REQUEST_TIMEOUT_MS_CONFIG = "memoram.http.request.timeout.ms";
    public static final long HTTP_REQUEST_TIMEOUT_MS_DEFAULT = MemoramClientConfig.DEFAULT_REQUEST_TIMEOUT.toMillis();
    private static final String HTTP_REQUEST_TIMEOUT_MS_DOC = "Deadline of one HTTP exchange with the API, in milliseconds, from sending the request to the last byte of the response body: a peer that goes silent mid-response is given up on (and the call retried like any timeout). At most one hour.";

    public static final String HTTP_RESPONSE_BUFFER_MAX_BYTES_CONFIG = "memoram.http.response.buffer.max.bytes";
    public static final long HTTP_RESPONSE_BUFFER_MAX_BYTES_DEFAULT = MemoramClientConfig.DEFAULT_RESPONSE_BUFFER_MAX_BYTES;
    private static final String HTTP_RESPONSE_BUFFER_MAX_BYTES_DOC = "Bytes of API response bodies a task (or connector) holds at most, across all its calls in flight together, and so the largest response it accepts: a broken or hostile server can make a worker hold at most this much per task and connector on it. A response over it (or over its call's own cap: 16 MiB, or for a page of blobs 1 MiB plus 1.5 MiB per blob asked for) fails its call unread and is not retried; one that arrives while the responses of other calls in flight hold the rest is retried like a timeout. The default fits one page of 100 blobs of the largest size the sink writes. From 1 MiB to 1 GiB.";

    public static final String MAX_RETRIES_CONFIG = "memoram.max.retries";
    public static final int MAX_RETRIES_DEFAULT = MemoramClientConfig.DEFAULT_MAX_RETRIES;
    private static final String MAX_RETRIES_DOC = "Retriable failures (429, 5xx, timeouts, connection resets) per request before it counts as failed. Up to 2147483647 (retry practically forever).";

    public static final String RETRY_BACKOFF_MS_CONFIG = "memoram.retry.backoff.ms";
    public static final long RETRY_BACKOFF_MS_DEFAULT = MemoramClientConfig.DEFAULT_RETRY_BACKOFF.toMillis();
    private static final String RETRY_BACKOFF_MS_DOC = "First backoff after a retriable failure, in milliseconds; it doubles on each retry, with jitter. A longer Retry-After from the server wins. At most one day.";

    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "memoram.retry.backoff.max.ms";
    public static final long RETRY_BACKOFF_MAX_MS_DEFAULT = MemoramClientConfig.DEFAULT_RETRY_BACKOFF_MAX.toMillis();
    private static final String RETRY_BACKOFF_MAX_MS_DOC = "Upper bound of the exponential backoff, in milliseconds. At most one day.";

    public static final String RATE_LIMIT_CONFIG = "memoram.rate.limit.requests.per.second";
    public static final double RATE_LIMIT_DEFAULT = MemoramClientConfig.DEFAULT_RATE_LIMIT_PER_SECOND;
    public static final double RATE_LIMIT_MIN = 0.001;
    public static final double RATE_LIMIT_MAX = 10_000;
    private static final String RATE_LIMIT_DOC = "Client-side cap on API requests per second, per task. 0 turns it off; otherwise from 0.001 (one request every 1000 s) to 10000.";

    /** Shared key, defined by each connector with its own default and reason ({@link #defineMaxInFlight}). */
    public static final String MAX_IN_FLIGHT_CONFIG = "memoram.max.in.flight.requests";

    public static final String BEHAVIOR_ON_ACCESS_REVOKED_CONFIG = "behavior.on.access.revoked";
    public static final String BEHAVIOR_ON_ACCESS_REVOKED_DEFAULT = "skip";
    public static final List<String> BEHAVIOR_ON_ACCESS_REVOKED_VALUES = EnumSettings.spellings(OnAccessRevoked.class);

    /** {@value #BEHAVIOR_ON_ACCESS_REVOKED_CONFIG}: what a user whose access ends does to the task. */
    public enum OnAccessRevoked {
        /** Stop serving that user (the source) or send its records to the dead letter queue (the sink). */
        SKIP,
        /** Fail the task. */
        FAIL;

        @Override
        public String toString() {
            return EnumSettings.spelling(this);
        }
    }

    /** Adds the shared settings to {@code def}, in their groups. */
    public static ConfigDef addCommonConfig(ConfigDef def) {
        int order = 0;
        def.define(API_URL_CONFIG, Type.STRING, API_URL_DEFAULT, Validators.httpUrl(), Importance.HIGH,
                API_URL_DOC, CONNECTION_GROUP, ++order, Width.LONG, API_URL_DISPLAY);
        def.define(API_ALLOW_INSECURE_HTTP_CONFIG, Type.BOOLEAN, false, Importance.LOW, API_ALLOW_INSECURE_HTTP_DOC,
                CONNECTION_GROUP, ++order, Width.SHORT, "Allow plain http to a remote host (insecure)");
        def.define(API_KEY_CONFIG, Type.PASSWORD, ConfigDef.NO_DEFAULT_VALUE, Validators.nonEmptyPassword(), Importance.HIGH,
                API_KEY_DOC, CONNECTION_GROUP, ++order, Width.LONG, API_KEY_DISPLAY);
        def.define(CONTENT_ENCRYPTION_CONFIG, Type.STRING, CONTENT_ENCRYPTION_DEFAULT,
                Validators.oneOf(ContentCiphers.names()), Importance.MEDIUM, CONTENT_ENCRYPTION_DOC,
                CONNECTION_GROUP, ++order, Width.SHORT, CONTENT_ENCRYPTION_DISPLAY, Validators.recommend(ContentCiphers.names()));
        def.define(HTTP_REQUEST_TIMEOUT_MS_CONFIG, Type.LONG, HTTP_REQUEST_TIMEOUT_MS_DEFAULT, ConfigDef.Range.between(1, ONE_HOUR_MS),
                Importance.LOW, HTTP_REQUEST_TIMEOUT_MS_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "HTTP request timeout (ms)");
        def.define(HTTP_RESPONSE_BUFFER_MAX_BYTES_CONFIG, Type.LONG, HTTP_RESPONSE_BUFFER_MAX_BYTES_DEFAULT,
                ConfigDef.Range.between(1L << 20, MemoramClientConfig.MAX_RESPONSE_BUFFER_MAX_BYTES), Importance.LOW,
                HTTP_RESPONSE_BUFFER_MAX_BYTES_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "HTTP response buffer (bytes)");

        order = 0;
        def.define(ACCESS_REQUEST_IDS_CONFIG, Type.LIST, "", Validators.listOfIds(), Importance.HIGH,
                ACCESS_REQUEST_IDS_DOC, ACCESS_GROUP, ++order, Width.LONG, ACCESS_REQUEST_IDS_DISPLAY);
        def.define(MEMORY_KEYS_CONFIG, Type.PASSWORD, "", Importance.HIGH,
                MEMORY_KEYS_DOC, ACCESS_GROUP, ++order, Width.LONG, MEMORY_KEYS_DISPLAY);
        def.define(ACCESS_REQUEST_REASON_CONFIG, Type.STRING, ACCESS_REQUEST_REASON_DEFAULT,
                Validators.nonBlankMaxLength(ACCESS_REQUEST_REASON_MAX), Importance.LOW, ACCESS_REQUEST_REASON_DOC,
                ACCESS_GROUP, ++order, Width.LONG, ACCESS_REQUEST_REASON_DISPLAY);
        def.define(ACCESS_DISCOVERY_CONFIG, Type.STRING, ACCESS_DISCOVERY_DEFAULT, Validators.oneOf(AccessDiscovery.VALUES),
                Importance.MEDIUM, ACCESS_DISCOVERY_DOC, ACCESS_GROUP, ++order, Width.SHORT, "Access discovery",
                Validators.recommend(AccessDiscovery.VALUES));
        def.define(ACCESS_CHECK_INTERVAL_MS_CONFIG, Type.LONG, ACCESS_CHECK_INTERVAL_MS_DEFAULT, ConfigDef.Range.between(100, SEVEN_DAYS_MS),
                Importance.LOW, ACCESS_CHECK_INTERVAL_MS_DOC, ACCESS_GROUP, ++order, Width.SHORT, "Access check interval (ms)");

        order = 0;
        def.define(MAX_RETRIES_CONFIG, Type.INT, MAX_RETRIES_DEFAULT, ConfigDef.Range.between(0, Integer.MAX_VALUE), Importance.LOW,
                MAX_RETRIES_DOC, RETRY_GROUP, ++order, Width.SHORT, "Max retries");
        def.define(RETRY_BACKOFF_MS_CONFIG, Type.LONG, RETRY_BACKOFF_MS_DEFAULT, ConfigDef.Range.between(1, ONE_DAY_MS), Importance.LOW,
                RETRY_BACKOFF_MS_DOC, RETRY_GROUP, ++order, Width.SHORT, "Retry backoff (ms)");
        def.define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.LONG, RETRY_BACKOFF_MAX_MS_DEFAULT, ConfigDef.Range.between(1, ONE_DAY_MS), Importance.LOW,
                RETRY_BACKOFF_MAX_MS_DOC, RETRY_GROUP, ++order, Width.SHORT, "Max retry backoff (ms)");
        def.define(RATE_LIMIT_CONFIG, Type.DOUBLE, RATE_LIMIT_DEFAULT, Validators.rateLimit(RATE_LIMIT_MIN, RATE_LIMIT_MAX), Importance.LOW,
                RATE_LIMIT_DOC, RETRY_GROUP, ++order, Width.SHORT, "Rate limit (requests/s)");
        EgressConfig.define(def);
        return def;
    }

    /**
     * Defines {@link #MAX_IN_FLIGHT_CONFIG}: the key and its range are shared, the default differs
     * because the connectors' calls differ (the sink writes one record per call, the source lists a
     * page of blobs per call).
     */
    static void defineMaxInFlight(ConfigDef def, int defaultValue, String doc, String group, int order) {
        def.define(MAX_IN_FLIGHT_CONFIG, Type.INT, defaultValue, ConfigDef.Range.between(1, 256), Importance.LOW,
                doc, group, order, Width.SHORT, "Max in-flight requests");
    }

    /** Concurrent API calls per task. */
    public int maxInFlightRequests() {
        return getInt(MAX_IN_FLIGHT_CONFIG);
    }

    // Parsed once, here, so that a bad value fails the config (naming the key) and not a call site later.
    private final URI apiUrl;
    private final ContentCipher contentCipher;
    private final OnAccessRevoked onAccessRevoked;
    private final io.memoram.connect.client.Egress egress;
    private final AccessDiscovery accessDiscovery;

    protected MemoramCommonConfig(ConfigDef def, Map<?, ?> originals) {
        super(def, originals);
        apiUrl = URI.create(getString(API_URL_CONFIG).trim());
        String refusal = Validators.plainHttpRefusal(apiUrl, getBoolean(API_ALLOW_INSECURE_HTTP_CONFIG));
        if (refusal != null) {
            throw new ConfigException(API_URL_CONFIG, apiUrl.toString(), refusal);
        }
        try {
            contentCipher = ContentCiphers.forName(getString(CONTENT_ENCRYPTION_CONFIG));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CONTENT_ENCRYPTION_CONFIG, getString(CONTENT_ENCRYPTION_CONFIG),
                    "must be one of " + String.join(", ", ContentCiphers.names()));
        }
        onAccessRevoked = EnumSettings.parse(OnAccessRevoked.class, BEHAVIOR_ON_ACCESS_REVOKED_CONFIG,
                getString(BEHAVIOR_ON_ACCESS_REVOKED_CONFIG));
        egress = EgressConfig.parse(this);
        accessDiscovery = AccessDiscovery.parse(getString(ACCESS_DISCOVERY_CONFIG));
    }

    public URI apiUrl() {
        return apiUrl;
    }

    public Secret apiKey() {
        return Secret.of(getPassword(API_KEY_CONFIG).value());
    }

    public List<String> accessRequestIds() {
        List<String> ids = new ArrayList<>();
        for (String id : getList(ACCESS_REQUEST_IDS_CONFIG)) {
            if (!id.isBlank()) {
                ids.add(id.trim());
            }
        }
        return ids;
    }

    /** The configured memory keys, each wrapped so it cannot leak through toString. */
    public List<Secret> memoryKeys() {
        return splitSecrets(getPassword(MEMORY_KEYS_CONFIG));
    }

    static List<Secret> splitSecrets(Password password) {
        List<Secret> keys = new ArrayList<>();
        if (password == null) {
            return keys;
        }
        for (String part : password.value().split(",")) {
            if (!part.isBlank()) {
                keys.add(Secret.of(part.trim()));
            }
        }
        return keys;
    }

    public String accessRequestReason() {
        return getString(ACCESS_REQUEST_REASON_CONFIG);
    }

    public Duration accessCheckInterval() {
        return Duration.ofMillis(getLong(ACCESS_CHECK_INTERVAL_MS_CONFIG));
    }

    public AccessDiscovery accessDiscovery() {
        return accessDiscovery;
    }

    /** The configured scheme's name, lower case ({@code aes-gcm} or {@code plaintext}). */
    public String contentEncryption() {
        return Validators.normalized(getString(CONTENT_ENCRYPTION_CONFIG));
    }

    /** The cipher {@value #CONTENT_ENCRYPTION_CONFIG} names (shared and thread-safe). */
    public ContentCipher contentCipher() {
        return contentCipher;
    }

    public OnAccessRevoked behaviorOnAccessRevoked() {
        return onAccessRevoked;
    }

    public boolean failOnAccessRevoked() {
        return onAccessRevoked == OnAccessRevoked.FAIL;
    }

    public int maxRetries() {
        return getInt(MAX_RETRIES_CONFIG);
    }

    public Duration retryBackoff() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MS_CONFIG));
    }

    public Duration retryBackoffMax() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS_CONFIG));
    }

    /** The proxy and truststore of this connector's client. */
    public io.memoram.connect.client.Egress egress() {
        return egress;
    }

    /** The client settings these configs describe; {@code listener} receives traffic for metrics. */
    public MemoramClientConfig clientConfig(RequestListener listener) {
        return MemoramClientConfig.builder(apiUrl(), apiKey())
                .requestTimeout(Duration.ofMillis(getLong(HTTP_REQUEST_TIMEOUT_MS_CONFIG)))
                .maxRetries(maxRetries())
                .retryBackoff(retryBackoff(), retryBackoffMax())
                .rateLimitPerSecond(getDouble(RATE_LIMIT_CONFIG))
                .responseBufferMaxBytes(getLong(HTTP_RESPONSE_BUFFER_MAX_BYTES_CONFIG))
                .listener(listener)
                .egress(egress)
                .build();
    }
}
