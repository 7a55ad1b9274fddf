package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.Secret;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link UserDirectory} against the emulator: one bad access request affects that request only. */
class UserDirectoryTest {
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();

    private String apiKey;
    private MemoramClient client;

    @BeforeEach
    void developer() {
        apiKey = emu.createApiKey();
        client = MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey))
                .maxRetries(0).build());
    }

    @AfterEach
    void cleanUp() {
        emu.faults().clear();
        client.close();
    }

    private UserDirectory directory(List<String> requestIds) {
        return new UserDirectory(client, ContentCiphers.forName("aes-gcm"), requestIds, Duration.ZERO, System::nanoTime);
    }

    @Test
    void aRequestRefusedWith400IsNamedAndTheOthersStillOpen() {
        EmulatedUser broken = emu.createUser();
        EmulatedUser alice = emu.createUser();
        EmulatedUser bob = emu.createUser();
        String bad = emu.grantAccess(apiKey, broken);
        String forAlice = emu.grantAccess(apiKey, alice);
        String forBob = emu.grantAccess(apiKey, bob);
        emu.faults().on("GET", "/access-requests/" + bad).next(100, Fault.status(400));
        UserDirectory users = directory(List.of(bad, forAlice, forBob));

        assertThat(users.require(alice.userId()).requestId()).isEqualTo(forAlice);
        assertThat(users.require(bob.userId()).requestId()).isEqualTo(forBob);
        assertThatThrownBy(() -> users.require(broken.userId()))
                .isInstanceOf(UserDirectory.UserNotAuthorizedException.class)
                .hasMessageContaining("user '" + broken.userId() + "' is unknown")
                .hasMessageContaining(bad + " (")
                .hasMessageContaining("400")
                .hasMessageNotContaining(forAlice);

        emu.faults().clear();
        assertThat(users.require(broken.userId()).requestId()).isEqualTo(bad);
    }

    @Test
    void aRequestTheApiCannotAnswerNowDelaysOnlyUsersItMightServe() {
        EmulatedUser waiting = emu.createUser();
        EmulatedUser alice = emu.createUser();
        String slow = emu.grantAccess(apiKey, waiting);
        String forAlice = emu.grantAccess(apiKey, alice);
        emu.faults().on("GET", "/access-requests/" + slow).next(100, Fault.status(503));
        UserDirectory users = directory(List.of(slow, forAlice));

        assertThat(users.require(alice.userId()).requestId()).isEqualTo(forAlice);
        // Not refused: the request the API could not answer may be this user's, so the record is retried.
        assertThatThrownBy(() -> users.require(waiting.userId())).isInstanceOf(MemoramUnavailableException.class);

        emu.faults().clear();
        assertThat(users.require(waiting.userId()).requestId()).isEqualTo(slow);
    }
}
