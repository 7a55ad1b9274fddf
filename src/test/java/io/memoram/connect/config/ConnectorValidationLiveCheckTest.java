package io.memoram.connect.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.emulator.MemoramEmulator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bounded live check of validate(), against the emulator over real HTTP. */
class ConnectorValidationLiveCheckTest {
    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private static String apiKey;

    @BeforeAll
    static void start() {
        apiKey = emu.createApiKey();
    }

    private static Map<String, String> props(String url, String key) {
        Map<String, String> props = new HashMap<>();
        props.put(MemoramCommonConfig.API_URL_CONFIG, url);
        props.put(MemoramCommonConfig.API_KEY_CONFIG, key);
        props.put(MemoramCommonConfig.ACCESS_REQUEST_IDS_CONFIG, "cm8r8ny2i001mm24853tqfd62");
        return props;
    }

    private static List<String> errors(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst()
                .map(ConfigValue::errorMessages).orElseThrow();
    }

    /** API requests this test's own validate() call made: the emulator's log is shared by the class's tests. */
    private static int apiCallsDuring(Runnable validation) {
        int before = emu.requestCount(null, null);
        validation.run();
        return emu.requestCount(null, null) - before;
    }

    @Test
    void aWorkingKeyPassesAfterExactlyOneTokenCall() {
        int tokenCallsBefore = emu.requestCount("POST", "/auth/token");
        Config[] config = new Config[1];
        int calls = apiCallsDuring(() -> config[0] = ConnectorValidation.validate(props(emu.baseUrl(), apiKey),
                MemoramSinkConfig.CONFIG_DEF, Duration.ofSeconds(5)));
        assertThat(config[0].configValues()).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
        assertThat(calls).as("API calls made by this validation").isEqualTo(1);
        assertThat(emu.requestCount("POST", "/auth/token")).as("POST /auth/token").isEqualTo(tokenCallsBefore + 1);
    }

    @Test
    void aRefusedKeyIsReportedOnTheKeyFieldWithoutEchoingIt() {
        String wrong = "mem_" + "f".repeat(48);
        Config[] config = new Config[1];
        int calls = apiCallsDuring(() -> config[0] = ConnectorValidation.validate(props(emu.baseUrl(), wrong),
                MemoramSourceConfig.CONFIG_DEF, Duration.ofSeconds(5)));
        assertThat(errors(config[0], MemoramCommonConfig.API_KEY_CONFIG)).singleElement().asString()
                .contains("refused").doesNotContain(wrong);
        assertThat(errors(config[0], MemoramCommonConfig.API_URL_CONFIG)).isEmpty();
        assertThat(calls).as("a refused key is asked about once, never retried").isEqualTo(1);
    }

    @Test
    void anUnreachableApiIsReportedOnTheUrlFieldWithinTheBound() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + freePort + "/api/v1";
        Config config = ConnectorValidation.validate(props(url, apiKey), MemoramSourceConfig.CONFIG_DEF,
                Duration.ofSeconds(2));
        assertThat(errors(config, MemoramCommonConfig.API_URL_CONFIG)).singleElement().asString()
                .contains("Could not reach").contains("within 2000 ms").doesNotContain(apiKey);
        assertThat(errors(config, MemoramCommonConfig.API_KEY_CONFIG)).isEmpty();
    }

    /**
     * An emulator reached under a name that is not loopback by its spelling stands for a remote API
     * reached over plain http: validation refuses the URL and sends it nothing (no API key on the
     * wire); with the opt-in, the same emulator gets the one live-check call, which shows the test
     * would see it. The name is this machine's own (it resolves locally, through /etc/hosts, with no
     * network), so the check runs on every host, loopback-only ones included.
     */
    @Test
    void theApiKeyIsNeverSentOverPlainHttpToANonLoopbackHost() throws Exception {
        RemoteLooking host = remoteLookingHost();
        assertThat(Validators.isLoopback(host.name())).as(host.name() + " is not loopback by its spelling").isFalse();
        try (MemoramEmulator remote = MemoramEmulator.start(host.bindAddress(), 0)) {
            String remoteKey = remote.createApiKey();
            int port = URI.create(remote.baseUrl()).getPort();
            String url = "http://" + host.name() + ":" + port + "/api/v1";
            Map<String, String> props = props(url, remoteKey);

            Config refused = ConnectorValidation.validate(props, MemoramSourceConfig.CONFIG_DEF, Duration.ofSeconds(5));
            assertThat(errors(refused, MemoramCommonConfig.API_URL_CONFIG)).singleElement().asString()
                    .contains("plain http to '" + host.name() + "'").contains("https://")
                    .contains(MemoramCommonConfig.API_ALLOW_INSECURE_HTTP_CONFIG).doesNotContain(remoteKey);
            assertThat(remote.requestCount(null, null)).as("API requests the remote emulator received").isZero();

            props.put(MemoramCommonConfig.API_ALLOW_INSECURE_HTTP_CONFIG, "true");
            Config allowed = ConnectorValidation.validate(props, MemoramSourceConfig.CONFIG_DEF, Duration.ofSeconds(5));
            assertThat(allowed.configValues()).allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
            assertThat(remote.requestCount("POST", "/auth/token")).isEqualTo(1);
        }
    }

    /** A host name for the URL and the address it resolves to here, for the emulator to listen on. */
    private record RemoteLooking(String name, String bindAddress) { }

    /**
     * This machine's name, resolved locally; else a non-loopback interface address. Never a skip: a
     * host with neither fails here, saying so, instead of passing the security check unseen.
     */
    private static RemoteLooking remoteLookingHost() throws Exception {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (!Validators.isLoopback(name) && !name.matches("[0-9.:\\[\\]]+")) {
                return new RemoteLooking(name, InetAddress.getByName(name).getHostAddress());
            }
        } catch (UnknownHostException e) {
            // no resolvable host name: try an interface address
        }
        String address = nonLoopbackAddress();
        assertThat(address).as("this machine has neither a resolvable host name nor a non-loopback IPv4 address"
                + " to stand for a remote host").isNotNull();
        return new RemoteLooking(address, address);
    }

    private static String nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }

    @Test
    void noLiveCheckWhenAFieldIsAlreadyWrong() {
        Map<String, String> props = props(emu.baseUrl(), apiKey);
        props.put(MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG, "explode");
        Config[] config = new Config[1];
        int calls = apiCallsDuring(() -> config[0] = ConnectorValidation.validate(props, MemoramSourceConfig.CONFIG_DEF,
                Duration.ofSeconds(5)));
        assertThat(errors(config[0], MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG)).hasSize(1);
        assertThat(calls).as("API calls made by a validation with a wrong field").isZero();
        // The same config with the field fixed does call the API: the zero above is not for lack of a server.
        props.remove(MemoramSourceConfig.BEHAVIOR_ON_DELETE_CONFIG);
        assertThat(apiCallsDuring(() -> ConnectorValidation.validate(props, MemoramSourceConfig.CONFIG_DEF,
                Duration.ofSeconds(5)))).isEqualTo(1);
    }
}
