package io.memoram.connect.access;

import io.memoram.connect.util.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.access.AccessRegistry.Event;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.Secret;
import io.memoram.connect.crypto.ContentCiphers;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.emulator.MemoramEmulator;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AccessRegistry} against the emulator over real HTTP, with a clock the test moves. */
class AccessRegistryTest {
    private static final Duration CHECK = Duration.ofSeconds(30);

    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T12:00:00Z"));
    private String apiKey;
    private MemoramClient client;
    private EmulatedUser user;

    @BeforeEach
    void setUp() {
        emu.faults().clear();
        apiKey = emu.createApiKey();
        client = MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey))
                .maxRetries(0).build());
        user = emu.createUser();
    }

    @AfterEach
    void tearDown() {
        emu.faults().clear();
        client.close();
    }

    private AccessRegistry registry(boolean expectedUsersOnly) {
        return new AccessRegistry(client, ContentCiphers.forName("aes-gcm"),
                new AccessRegistry.Settings(CHECK, Duration.ofSeconds(1), Duration.ofSeconds(8), expectedUsersOnly), clock);
    }

    @Test
    void aPendingRequestIsReportedThenGrantedOnceApprovedAtTheNextCheck() {
        String id = emu.requestAccess(apiKey, user);
        AccessRegistry r = registry(false);
        r.add(id, null, null);
        assertThat(r.checkDue()).as("a pending request names no user yet").containsExactly(new Event.StatusChanged(id, null, AccessStatus.PENDING));
        assertThat(r.access(user.userId())).isNull();
        assertThat(r.count(AccessStatus.PENDING)).isOne();

        emu.approve(id);
        assertThat(r.checkDue()).as("not due before the check interval").isEmpty();
        assertThat(r.nextDueMillis()).isEqualTo(clock.millis() + CHECK.toMillis());
        clock.advance(CHECK);
        List<Event> events = r.checkDue();
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).isEqualTo(new Event.StatusChanged(id, user.userId(), AccessStatus.APPROVED));
        assertThat(events.get(1)).isInstanceOfSatisfying(Event.Granted.class,
                g -> assertThat(g.access().userId()).isEqualTo(user.userId()));
        assertThat(r.access(user.userId())).isNotNull();
        assertThat(r.servedUsers()).containsExactly(user.userId());
        assertThat(r.nextDueMillis()).as("a serving request needs no checks").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aStatusReportedBeforeARestartIsNotReportedAgain() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry(true);
        r.add(id, user.userId(), "approved");
        List<Event> events = r.checkDue();
        assertThat(events).singleElement().isInstanceOf(Event.Granted.class);
    }

    @Test
    void anApprovedRequestWithoutItsUserWaitsForTheAssignmentWhenExpectedUsersOnly() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry(true);
        r.add(id, null, "pending");
        // The task that owns the user reports the approval (AccessShare), so it is recorded once, not here.
        assertThat(r.checkDue()).isEmpty();
        assertThat(r.access(user.userId())).isNull();
        assertThat(emu.requestCount("GET", "/access-requests/" + id + "/credentials")).isZero();
        emu.revoke(id);
        r.remove(id);
        r.add(id, null, "pending");
        assertThat(r.checkDue()).contains(new Event.StatusChanged(id, user.userId(), AccessStatus.REVOKED));
    }

    @Test
    void aRemovedRequestWithdrawsItsUserAndAHandedOutCheckOfItOpensNothing() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry(true);
        r.add(id, user.userId(), "approved");
        assertThat(r.checkDue()).singleElement().isInstanceOf(Event.Granted.class);
        UserAccess served = r.access(user.userId());
        assertThat(r.remove(id)).containsExactly(new Event.Withdrawn(id, user.userId()));
        assertThat(r.access(user.userId())).isNull();
        assertThat(served.isClosed()).as("its keys wiped").isTrue();
        assertThat(r.remove(id)).isEmpty();

        r.add(id, user.userId(), "approved");
        List<String> due = r.takeDue();
        assertThat(due).containsExactly(id);
        r.remove(id);
        assertThat(r.check(id)).as("removed after it was handed out").isEmpty();
        assertThat(r.servedUsers()).isEmpty();
    }

    @Test
    void revocationIsRefusedAndWithdrawnOnceAndTheUserResumesOnItsOtherApprovedRequest() {
        String first = emu.grantAccess(apiKey, user);
        String second = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry(true);
        r.add(first, user.userId(), "approved");
        r.add(second, user.userId(), "approved");
        assertThat(r.checkDue()).singleElement().isEqualTo(new Event.Granted(first, r.access(user.userId())));
        UserAccess viaFirst = r.access(user.userId());

        emu.revoke(first);
        List<Event> denied = r.accessDenied(user.userId());
        assertThat(denied).containsExactly(new Event.Withdrawn(first, user.userId()));
        assertThat(r.access(user.userId())).isNull();
        List<Event> events = r.checkDue();
        assertThat(events).contains(new Event.StatusChanged(first, user.userId(), AccessStatus.REVOKED),
                new Event.Refused(first, user.userId(), AccessStatus.REVOKED));
        assertThat(events).filteredOn(e -> e instanceof Event.Granted).singleElement()
                .isInstanceOfSatisfying(Event.Granted.class, g -> assertThat(g.requestId()).isEqualTo(second));
        assertThat(r.access(user.userId())).isNotNull().isNotSameAs(viaFirst);

        clock.advance(CHECK);
        assertThat(r.checkDue()).as("refused is reported once, not per check").isEmpty();
    }

    @Test
    void aRevocationSeenByACheckWithdrawsTheServingRequest() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry(false);
        r.add(id, user.userId(), "approved");
        r.checkDue();
        emu.revoke(id);
        r.accessDenied(user.userId());
        assertThat(r.checkDue()).containsExactly(new Event.StatusChanged(id, user.userId(), AccessStatus.REVOKED),
                new Event.Refused(id, user.userId(), AccessStatus.REVOKED));
        assertThat(r.count(AccessStatus.REVOKED, AccessStatus.REJECTED)).isOne();
    }

    @Test
    void repeatedDenialsOfARequestThatReadsApprovedBackOffInsteadOfLooping() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry(true);
        r.add(id, user.userId(), "approved");
        r.checkDue();
        long now = clock.millis();
        // The listing says 403, the request still reads approved: the first denial checks at once...
        r.accessDenied(user.userId());
        assertThat(r.nextDueMillis()).isEqualTo(now);
        assertThat(r.checkDue()).singleElement().isInstanceOf(Event.Granted.class);
        // ...the next ones within the check interval wait, longer each time.
        r.accessDenied(user.userId());
        long firstWait = r.nextDueMillis() - now;
        assertThat(firstWait).isBetween(500L, 1000L);
        assertThat(r.checkDue()).isEmpty();
        clock.advance(Duration.ofMillis(firstWait));
        assertThat(r.checkDue()).singleElement().isInstanceOf(Event.Granted.class);
        r.accessDenied(user.userId());
        assertThat(r.nextDueMillis() - clock.millis()).isBetween(1000L, 2000L);
    }

    @Test
    void aFailedCheckIsReportedAndRetriedAfterItsBackoffOrRetryAfter() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry(true);
        r.add(id, user.userId(), null);
        emu.faults().on("GET", "/access-requests/" + id).next(1, Fault.tooManyRequests(5));
        assertThat(r.checkDue()).singleElement().isInstanceOf(Event.CallFailed.class);
        assertThat(r.nextDueMillis()).isEqualTo(clock.millis() + 5_000);
        clock.advance(Duration.ofSeconds(5));
        assertThat(r.checkDue()).hasSize(2).last().isInstanceOf(Event.Granted.class);
    }

    @Test
    void closingForgetsEveryCredential() {
        String id = emu.grantAccess(apiKey, user);
        AccessRegistry r = registry(true);
        r.add(id, user.userId(), "approved");
        r.checkDue();
        r.close();
        assertThat(r.access(user.userId())).isNull();
        assertThat(r.servedUsers()).isEmpty();
        assertThat(r.nextDueMillis()).isEqualTo(Long.MAX_VALUE);
    }
}
