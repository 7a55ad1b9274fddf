package io.memoram.connect.config;

import io.memoram.connect.client.MemoramAuthenticationException;
import io.memoram.connect.client.MemoramBadRequestException;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.RetryPolicy;
import io.memoram.connect.client.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * {@code validate()} for both connectors: the framework's per-field checks, the cross-field rule
 * that some access must be configured, and, only when every field is fine, a bounded live check
 * of the API key (one {@code POST /auth/token}, no retries). Errors are attached to the field at
 * fault so the REST API and UIs show them next to it; none contains a secret.
 */
public final class ConnectorValidation {
    public static final Duration DEFAULT_LIVE_CHECK_TIMEOUT = Duration.ofSeconds(5);

    static final String NO_ACCESS_MESSAGE = "Configure at least one of " + MemoramCommonConfig.ACCESS_REQUEST_IDS_CONFIG
            + " and " + MemoramCommonConfig.MEMORY_KEYS_CONFIG + ", or set " + MemoramCommonConfig.ACCESS_DISCOVERY_CONFIG
            + ": without them the connector has no user to serve.";

    private ConnectorValidation() { }

    public static Config validate(Map<String, String> props, ConfigDef def, Duration liveCheckTimeout) {
        List<ConfigValue> values = def.validate(props);
        Map<String, ConfigValue> byName = values.stream().collect(Collectors.toMap(ConfigValue::name, v -> v));

        ConfigValue ids = byName.get(MemoramCommonConfig.ACCESS_REQUEST_IDS_CONFIG);
        ConfigValue keys = byName.get(MemoramCommonConfig.MEMORY_KEYS_CONFIG);
        ConfigValue discovery = byName.get(MemoramCommonConfig.ACCESS_DISCOVERY_CONFIG);
        boolean discovering = discovery != null && discovery.value() != null
                && !AccessDiscovery.OFF.wire().equalsIgnoreCase(discovery.value().toString().trim());
        if (ids != null && keys != null && !discovering && isEmptyList(ids.value()) && isEmptyPassword(keys.value())) {
            ids.addErrorMessage(NO_ACCESS_MESSAGE);
            keys.addErrorMessage(NO_ACCESS_MESSAGE);
        }

        ConfigValue url = byName.get(MemoramCommonConfig.API_URL_CONFIG);
        ConfigValue insecure = byName.get(MemoramCommonConfig.API_ALLOW_INSECURE_HTTP_CONFIG);
        if (url != null && url.errorMessages().isEmpty() && url.value() != null) {
            String refusal = Validators.plainHttpRefusal(URI.create(url.value().toString().trim()),
                    insecure != null && Boolean.TRUE.equals(insecure.value()));
            if (refusal != null) {
                url.addErrorMessage("Invalid value " + url.value() + " for configuration "
                        + MemoramCommonConfig.API_URL_CONFIG + ": " + refusal);
            }
        }

        // A signal topic without a cluster to read it from would only show up as a task that never sees a signal.
        ConfigValue signalTopic = byName.get(MemoramSourceConfig.SIGNAL_TOPIC_CONFIG);
        ConfigValue signalServers = byName.get(MemoramSourceConfig.SIGNAL_BOOTSTRAP_SERVERS_CONFIG);
        if (signalTopic != null && signalServers != null && isSet(signalTopic.value()) && !isSet(signalServers.value())) {
            signalServers.addErrorMessage(MemoramSourceConfig.SIGNAL_BOOTSTRAP_SERVERS_CONFIG + " is required when "
                    + MemoramSourceConfig.SIGNAL_TOPIC_CONFIG + " is set");
        }

        // The proxy and truststore as the tasks will use them (pairs of settings, the truststore file opened).
        boolean fieldsFine = values.stream().allMatch(v -> v.errorMessages().isEmpty());
        io.memoram.connect.client.Egress egress = null;
        if (fieldsFine) {
            try {
                egress = EgressConfig.parse(new org.apache.kafka.common.config.AbstractConfig(def, props));
            } catch (EgressConfig.Invalid e) {
                byName.get(e.setting()).addErrorMessage(e.getMessage());
                fieldsFine = false;
            }
        }

        // The live check sends the API key: only to a URL every rule above accepted.
        if (fieldsFine && liveCheckTimeout != null && !liveCheckTimeout.isZero()) {
            liveCheck(byName, liveCheckTimeout, egress);
        }
        return new Config(values);
    }

    private static void liveCheck(Map<String, ConfigValue> byName, Duration timeout, io.memoram.connect.client.Egress egress) {
        ConfigValue url = byName.get(MemoramCommonConfig.API_URL_CONFIG);
        ConfigValue key = byName.get(MemoramCommonConfig.API_KEY_CONFIG);
        MemoramClientConfig clientConfig = MemoramClientConfig
                .builder(URI.create(url.value().toString().trim()), Secret.of(((Password) key.value()).value()))
                .connectTimeout(timeout)
                .requestTimeout(timeout)
                .egress(egress)
                .build();
        // One attempt: validate() runs while the user waits on the REST call; the check is bounded by the timeout.
        try (MemoramClient client = MemoramClient.create(clientConfig).withRetry(RetryPolicy.NONE)) {
            client.issueToken();
        } catch (MemoramAuthenticationException | MemoramBadRequestException e) {
            key.addErrorMessage("The Memoram API refused this API key (" + e.getMessage() + ").");
        } catch (MemoramException e) {
            url.addErrorMessage("Could not reach the Memoram API at " + url.value() + " within " + timeout.toMillis()
                    + " ms to check the API key: " + e.getMessage());
        } catch (RuntimeException e) {
            url.addErrorMessage("Could not check the API key against " + url.value() + ": " + e.getClass().getSimpleName());
        }
    }

    private static boolean isSet(Object value) {
        return value != null && !value.toString().isBlank();
    }

    private static boolean isEmptyList(Object value) {
        return value == null || ((List<?>) value).stream().allMatch(v -> v == null || v.toString().isBlank());
    }

    private static boolean isEmptyPassword(Object value) {
        return value == null || ((Password) value).value().isBlank();
    }
}
