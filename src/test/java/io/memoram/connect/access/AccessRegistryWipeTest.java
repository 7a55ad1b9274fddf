package io.memoram.connect.access;

import io.memoram.connect.util.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.Secret;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.crypto.WipedKeys;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.MemoramEmulator;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry wipes a user's keys when its access ends (revoked, refused) and when it is closed (task stop). */
class AccessRegistryWipeTest {
    private static final Duration CHECK = Duration.ofSeconds(30);

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T12:00:00Z"));
    private String apiKey;
    private MemoramClient client;
    private EmulatedUser user;

    @BeforeEach
    void setUp() {
        apiKey = emu.createApiKey();
        client = MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey))
                .maxRetries(0).build());
        user = emu.createUser();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private AccessRegistry registry() {
        return new AccessRegistry(client, ContentCiphers.forName("aes-gcm"),
                new AccessRegistry.Settings(CHECK, Duration.ofSeconds(1), Duration.ofSeconds(8), false), clock);
    }

    private UserAccess served(AccessRegistry r, String requestId) {
        r.add(requestId, user.userId(), "approved");
        r.checkDue();
        UserAccess access = r.access(user.userId());
        assertThat(access).isNotNull();
        assertThat(WipedKeys.allZero(access)).isFalse();
        return access;
    }

    @Test
    void aDeniedUsersKeysAreWiped() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry();
        UserAccess access = served(r, id);
        String sealed = access.seal("hello");

        emu.revoke(id);
        r.accessDenied(user.userId());

        assertThat(access.isClosed()).isTrue();
        assertThat(WipedKeys.allZero(access)).isTrue();
        assertThatThrownBy(() -> access.open(sealed)).isInstanceOf(MemoramUnavailableException.class)
                .hasMessageContaining("ended");
    }

    @Test
    void aRevocationSeenByACheckWipesTheKeys() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry();
        UserAccess access = served(r, id);

        emu.revoke(id);
        clock.advance(CHECK);
        // Serving requests are not re-checked on a timer; a denial makes the check happen.
        r.accessDenied(user.userId());
        r.checkDue();

        assertThat(WipedKeys.allZero(access)).isTrue();
        assertThat(r.access(user.userId())).isNull();
    }

    @Test
    void closeWipesEveryServedUsersKeys() {
        EmulatedUser other = emu.createUser();
        String id = emu.grantAccess(apiKey, user);
        String otherId = emu.grantAccess(apiKey, other);
        AccessRegistry r = registry();
        UserAccess access = served(r, id);
        r.add(otherId, other.userId(), "approved");
        r.checkDue();
        UserAccess otherAccess = r.access(other.userId());

        r.close();

        assertThat(WipedKeys.allZero(access)).isTrue();
        assertThat(WipedKeys.allZero(otherAccess)).isTrue();
        assertThatThrownBy(() -> otherAccess.seal("x")).isInstanceOf(MemoramUnavailableException.class);
    }
}
