package io.memoram.connect.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.memoram.connect.access.UserAccess;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
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

        assertThat(served(users, alice.userId()).requestId()).isEqualTo(forAlice);
        assertThat(served(users, bob.userId()).requestId()).isEqualTo(forBob);
        assertThat(reason(users.find(broken.userId()), UserDirectory.Lookup.Refused.class))
                .contains("user '" + broken.userId() + "' is unknown")
                .contains(bad + " (")
                .contains("400")
                .doesNotContain(forAlice);

        emu.faults().clear();
        // Checked again after its backoff: the request serves its user.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(served(users, broken.userId()).requestId()).isEqualTo(bad));
    }

    @Test
    void aRequestWithAnUnusableKeyIsNamedWithItsReasonAndTheOthersStillOpen() {
        EmulatedUser broken = emu.createUser();
        EmulatedUser alice = emu.createUser();
        String bad = emu.grantAccess(apiKey, broken);
        String forAlice = emu.grantAccess(apiKey, alice);
        emu.serveUnusableKey(broken.userId());
        UserDirectory users = directory(List.of(bad, forAlice));

        assertThat(served(users, alice.userId()).requestId()).isEqualTo(forAlice);
        assertThat(reason(users.find(broken.userId()), UserDirectory.Lookup.Refused.class))
                .contains(bad + " (")
                .contains("unusable encryption key")
                .doesNotContain(forAlice)
                .doesNotContain("00ff");
    }

    @Test
    void aRequestTheApiCannotAnswerNowDelaysOnlyUsersItMightServe() {
        EmulatedUser waiting = emu.createUser();
        EmulatedUser alice = emu.createUser();
        String slow = emu.grantAccess(apiKey, waiting);
        String forAlice = emu.grantAccess(apiKey, alice);
        emu.faults().on("GET", "/access-requests/" + slow).next(100, Fault.status(503));
        UserDirectory users = directory(List.of(slow, forAlice));

        assertThat(served(users, alice.userId()).requestId()).isEqualTo(forAlice);
        // Not refused: the request the API could not answer may be this user's, so the record is retried.
        reason(users.find(waiting.userId()), UserDirectory.Wait.class);

        emu.faults().clear();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(served(users, waiting.userId()).requestId()).isEqualTo(slow));
    }

    private static int listings() {
        return emu.requestCount("GET", "/access-requests") - emu.requestCount("GET", "/access-requests/");
    }

    @Test
    void discoveryWritesAUserApprovedLaterAfterOneLookUpAndUnknownUsersShareOneLookUpPerInterval() {
        String reason = "Sink discovery test pipeline";
        EmulatedUser early = emu.createUser();
        emu.approve(emu.requestAccess(apiKey, early, reason));
        EmulatedUser late = emu.createUser();
        String lateRequest = emu.requestAccess(apiKey, late, reason);
        EmulatedUser otherPipeline = emu.createUser();
        emu.approve(emu.requestAccess(apiKey, otherPipeline, "another pipeline"));
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(0);
        UserDirectory users = new UserDirectory(client, ContentCiphers.forName("aes-gcm"), List.of(),
                new io.memoram.connect.access.AccessRegistry.Settings(Duration.ofSeconds(60), Duration.ofMillis(10),
                        Duration.ofMillis(50), false),
                new io.memoram.connect.access.AccessScope(io.memoram.connect.config.AccessDiscovery.REASON, reason), now::get);

        int before = listings();
        assertThat(served(users, early.userId()).userId()).isEqualTo(early.userId());
        assertThat(listings()).isEqualTo(before + 1);

        // Approved after the task started: its first record is written after one look-up.
        emu.approve(lateRequest);
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(served(users, late.userId()).requestId()).isEqualTo(lateRequest);
        assertThat(listings()).isEqualTo(before + 2);

        // Unknown users within the interval cause no listing each: their records wait for the next look-up.
        for (String stranger : List.of(otherPipeline.userId(), "u-unknown-1", "u-unknown-2")) {
            assertThat(reason(users.find(stranger), UserDirectory.Wait.class))
                    .contains("waiting for the next look-up");
        }
        assertThat(listings()).isEqualTo(before + 2);
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        // The next look-up decides: another pipeline's user and strangers are refused, with one listing for all.
        for (String stranger : List.of(otherPipeline.userId(), "u-unknown-1", "u-unknown-2")) {
            assertThat(reason(users.find(stranger), UserDirectory.Lookup.Refused.class))
                    .contains("memoram.access.discovery=reason");
        }
        assertThat(listings()).isEqualTo(before + 3);
        assertThat(served(users, early.userId()).userId()).isEqualTo(early.userId());
    }

    @Test
    void aReApprovedUserIsWrittenAgainWithoutARestart() {
        EmulatedUser user = emu.createUser();
        String request = emu.grantAccess(apiKey, user);
        UserDirectory users = new UserDirectory(client, ContentCiphers.forName("aes-gcm"), List.of(request),
                new io.memoram.connect.access.AccessRegistry.Settings(Duration.ofMillis(200), Duration.ofMillis(10),
                        Duration.ofMillis(50), false),
                io.memoram.connect.access.AccessScope.OFF, System::nanoTime);
        assertThat(served(users, user.userId()).requestId()).isEqualTo(request);

        emu.revoke(request);
        users.revoked(user.userId());
        assertThat(reason(users.find(user.userId()), UserDirectory.Lookup.Refused.class))
                .contains("revoked");

        emu.approve(request);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(served(users, user.userId()).requestId()).isEqualTo(request));
    }

    /**
     * A pending request does not name its user (a request filed for a memory key): a record for a
     * user the task does not know, arriving after that request was last checked, waits for the next
     * check instead of being refused, so an approval made just after the task looked is not lost in
     * between (the task looks its users up at start). Refused only once a later check still finds
     * the request pending.
     */
    @Test
    void anUnknownUserWaitsForTheNextCheckOfAPendingRequestWhoseUserIsNotKnown() {
        Duration interval = Duration.ofSeconds(2);
        EmulatedUser carol = emu.createUser();
        String pending = emu.requestAccess(apiKey, carol);
        UserDirectory users = new UserDirectory(client, ContentCiphers.forName("aes-gcm"), List.of(pending), interval, System::nanoTime);
        users.warmUp(); // checked: pending, its user not named

        // Approved after that check: the record waits (a retry that costs none of its attempts), it is not refused.
        emu.approve(pending);
        assertThat(notYet(users.find(carol.userId())))
                .contains("waiting for the next check");
        // The next check (one interval later) finds the approval: the record is written.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(served(users, carol.userId()).requestId()).isEqualTo(pending));

        // Refused once a check made after the record arrived still finds the only request pending.
        EmulatedUser dave = emu.createUser();
        String stillPending = emu.requestAccess(apiKey, dave);
        UserDirectory others = new UserDirectory(client, ContentCiphers.forName("aes-gcm"), List.of(stillPending), interval,
                System::nanoTime);
        others.warmUp();
        notYet(others.find("someone-else"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(reason(others.find("someone-else"), UserDirectory.Lookup.Refused.class)).contains("is unknown"));
    }

    /**
     * The record does not wait a whole check interval (a minute by default) for a request approved
     * right after the task looked: its arrival brings that request's next check forward.
     */
    @Test
    void aRecordForAnUnknownUserBringsTheCheckOfAPendingRequestForward() {
        EmulatedUser carol = emu.createUser();
        String pending = emu.requestAccess(apiKey, carol);
        UserDirectory users = new UserDirectory(client, ContentCiphers.forName("aes-gcm"), List.of(pending),
                Duration.ofMinutes(10), System::nanoTime);
        users.warmUp(); // checked: pending, its user not named; the next check would be ten minutes away
        emu.approve(pending);
        assertThat(notYet(users.find(carol.userId()))).contains("waiting for the next check");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(served(users, carol.userId()).requestId()).isEqualTo(pending));
    }

    private static UserAccess served(UserDirectory users, String userId) {
        UserDirectory.Lookup found = users.find(userId);
        assertThat(found).as("user %s served", userId).isInstanceOf(UserDirectory.Lookup.Served.class);
        return ((UserDirectory.Lookup.Served) found).access();
    }

    /** The reason of a user not served, once {@code found} is of {@code type} (refused, or a wait). */
    private static String reason(UserDirectory.Lookup found, Class<? extends UserDirectory.Lookup> type) {
        assertThat(found).isInstanceOf(type);
        return found instanceof UserDirectory.Wait w ? w.reason() : ((UserDirectory.Lookup.Refused) found).reason();
    }

    /** The reason of a wait for an answer being worked out: one that uses up none of the record's retries. */
    private static String notYet(UserDirectory.Lookup found) {
        assertThat(found).isInstanceOfSatisfying(UserDirectory.Wait.class, w -> assertThat(w.counted()).isFalse());
        return ((UserDirectory.Wait) found).reason();
    }
}
