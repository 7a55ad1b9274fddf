package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.ForwardProxy;
import io.memoram.connect.emulator.MemoramEmulator;
import io.memoram.connect.emulator.SelfSignedTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * validate() (PUT .../config/validate) with the egress settings: a bad truststore is an error on its
 * field (never showing the password), and the live check of the API key goes through the configured
 * proxy and trusts the configured truststore, as the tasks will.
 */
class EgressValidationTest {
    @TempDir
    Path dir;

    private static Map<String, String> settings(MemoramEmulator emu, String apiKey, String requestId) {
        Map<String, String> c = new HashMap<>();
        c.put("memoram.api.url", emu.baseUrl());
        c.put("memoram.api.key", apiKey);
        c.put("memoram.access.request.ids", requestId);
        return c;
    }

    private static List<String> errors(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst().map(ConfigValue::errorMessages)
                .orElseThrow();
    }

    @Test
    void theLiveCheckGoesThroughTheProxyAndTrustsTheTruststore() throws Exception {
        SelfSignedTls tls = SelfSignedTls.create(dir);
        try (MemoramEmulator https = MemoramEmulator.startHttps(tls.serverContext()); ForwardProxy proxy = ForwardProxy.open()) {
            String apiKey = https.createApiKey();
            EmulatedUser u = https.createUser();
            Map<String, String> c = settings(https, apiKey, https.grantAccess(apiKey, u));
            c.put(EgressConfig.PROXY_HOST_CONFIG, "127.0.0.1");
            c.put(EgressConfig.PROXY_PORT_CONFIG, String.valueOf(proxy.port()));
            c.put(EgressConfig.TRUSTSTORE_LOCATION_CONFIG, tls.trustStore("PKCS12").toString());
            c.put(EgressConfig.TRUSTSTORE_PASSWORD_CONFIG, SelfSignedTls.PASSWORD);
            Config result = ConnectorValidation.validate(c, MemoramSourceConfig.CONFIG_DEF, Duration.ofSeconds(10));
            assertThat(result.configValues()).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
            assertThat(proxy.seen()).containsExactly("CONNECT 127.0.0.1:" + https.port() + " HTTP/1.1");
        }
    }

    @Test
    void aTruststoreThatDoesNotOpenIsAnErrorOnItsField() throws Exception {
        SelfSignedTls tls = SelfSignedTls.create(dir);
        try (MemoramEmulator https = MemoramEmulator.startHttps(tls.serverContext())) {
            Map<String, String> c = settings(https, https.createApiKey(), "r1");
            c.put(EgressConfig.TRUSTSTORE_LOCATION_CONFIG, tls.trustStore("PKCS12").toString());
            c.put(EgressConfig.TRUSTSTORE_PASSWORD_CONFIG, "wrong-password-77");
            Config result = ConnectorValidation.validate(c, MemoramSourceConfig.CONFIG_DEF, Duration.ofSeconds(10));
            assertThat(errors(result, EgressConfig.TRUSTSTORE_LOCATION_CONFIG)).singleElement().asString()
                    .contains(EgressConfig.TRUSTSTORE_PASSWORD_CONFIG).doesNotContain("wrong-password-77");

            Map<String, String> p = settings(https, https.createApiKey(), "r1");
            p.put(EgressConfig.PROXY_HOST_CONFIG, "proxy.example");
            assertThat(errors(ConnectorValidation.validate(p, MemoramSourceConfig.CONFIG_DEF, Duration.ofSeconds(10)),
                    EgressConfig.PROXY_PORT_CONFIG)).isNotEmpty();
        }
    }
}
