package io.memoram.connect.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramClientConfig;
import io.memoram.connect.client.Secret;
import io.memoram.connect.emulator.EmulatedAccessRequest;
import io.memoram.connect.emulator.EmulatedUser;
import io.memoram.connect.emulator.Fault;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.emulator.MemoramEmulator;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AccessRequestResolver} against the emulator over real HTTP. */
class AccessRequestResolverTest {
    private static final String REASON = "Kafka Connect test: stream your memories to Kafka";

    /** Started with the class, closed after all its tests. */
    @RegisterExtension
    static final MemoramEmulator emu = MemoramEmulator.start();
    private String apiKey;
    private MemoramClient client;
    private AccessRequestResolver resolver;

    @BeforeEach
    void newDeveloper() {
        apiKey = emu.createApiKey();
        client = clientFor(apiKey);
        resolver = new AccessRequestResolver(client, REASON);
    }

    @AfterEach
    void closeClient() {
        client.close();
        emu.faults().clear();
        emu.accessRequestListCap(0);
    }

    private static MemoramClient clientFor(String apiKey) {
        return MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey))
                .maxRetries(0).build());
    }

    private List<EmulatedAccessRequest> requestsOf(String developerKey, EmulatedUser user) {
        return emu.accessRequests().stream()
                .filter(r -> r.apiKey().equals(developerKey) && r.memoryKey().equals(user.memoryKey()))
                .toList();
    }

    @Test
    void filesARequestWhenNoneExistsAndReusesItAfterwards() {
        EmulatedUser user = emu.createUser();
        int postsBefore = emu.requestCount("POST", "/access-requests");

        AccessRequestResolver.Resolution first = resolver.resolveRequest(Secret.of(user.memoryKey()));

        assertThat(first.filed()).isTrue();
        assertThat(first.status()).isEqualTo(AccessStatus.PENDING);
        assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(postsBefore + 1);
        List<EmulatedAccessRequest> filed = requestsOf(apiKey, user);
        assertThat(filed).hasSize(1);
        assertThat(filed.get(0).id()).isEqualTo(first.requestId());

        String second = resolver.resolve(Secret.of(user.memoryKey()));
        String third;
        try (MemoramClient another = clientFor(apiKey)) {
            third = new AccessRequestResolver(another, REASON).resolve(Secret.of(user.memoryKey()));
        }

        assertThat(second).isEqualTo(first.requestId());
        assertThat(third).isEqualTo(first.requestId());
        assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(postsBefore + 1);
        assertThat(requestsOf(apiKey, user)).hasSize(1);
    }

    @Test
    void reusesAnApprovedRequestWithoutFiling() {
        EmulatedUser user = emu.createUser();
        String granted = emu.grantAccess(apiKey, user);
        int postsBefore = emu.requestCount("POST", "/access-requests");
        int listsBefore = emu.requestCount("GET", "/access-requests");

        AccessRequestResolver.Resolution resolution = resolver.resolveRequest(Secret.of(user.memoryKey()));

        assertThat(resolution).isEqualTo(new AccessRequestResolver.Resolution(granted, AccessStatus.APPROVED, false));
        assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(postsBefore);
        assertThat(emu.requestCount("GET", "/access-requests")).isEqualTo(listsBefore + 1);
    }

    @Test
    void prefersTheApprovedRequestOverAPendingOneForTheSameKey() {
        EmulatedUser user = emu.createUser();
        String pending = resolver.resolve(Secret.of(user.memoryKey()));
        String approved = emu.grantAccess(apiKey, user);
        assertThat(approved).isNotEqualTo(pending);

        assertThat(resolver.resolve(Secret.of(user.memoryKey()))).isEqualTo(approved);
    }

    @Test
    void reusesARevokedRequestRatherThanAskingTheUserAgain() {
        EmulatedUser user = emu.createUser();
        String granted = emu.grantAccess(apiKey, user);
        emu.revoke(granted);
        int postsBefore = emu.requestCount("POST", "/access-requests");

        AccessRequestResolver.Resolution resolution = resolver.resolveRequest(Secret.of(user.memoryKey()));

        assertThat(resolution).isEqualTo(new AccessRequestResolver.Resolution(granted, AccessStatus.REVOKED, false));
        assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(postsBefore);
    }

    @Test
    void reusesARejectedRequest() {
        EmulatedUser user = emu.createUser();
        String filed = resolver.resolve(Secret.of(user.memoryKey()));
        emu.reject(filed);

        AccessRequestResolver.Resolution resolution = resolver.resolveRequest(Secret.of(user.memoryKey()));

        assertThat(resolution).isEqualTo(new AccessRequestResolver.Resolution(filed, AccessStatus.REJECTED, false));
        assertThat(requestsOf(apiKey, user)).hasSize(1);
    }

    @Test
    void anotherDevelopersRequestForTheSameUserIsNotOurs() {
        EmulatedUser user = emu.createUser();
        String otherDeveloper = emu.createApiKey();
        String theirs = emu.grantAccess(otherDeveloper, user);

        AccessRequestResolver.Resolution ours = resolver.resolveRequest(Secret.of(user.memoryKey()));

        assertThat(ours.filed()).isTrue();
        assertThat(ours.requestId()).isNotEqualTo(theirs);
        assertThat(requestsOf(apiKey, user)).extracting(EmulatedAccessRequest::id).containsExactly(ours.requestId());
    }

    @Test
    void distinctKeysGetDistinctRequests() {
        EmulatedUser alice = emu.createUser();
        EmulatedUser bob = emu.createUser();

        String forAlice = resolver.resolve(Secret.of(alice.memoryKey()));
        String forBob = resolver.resolve(Secret.of(bob.memoryKey()));

        assertThat(forAlice).isNotEqualTo(forBob);
        assertThat(resolver.resolve(Secret.of(alice.memoryKey()))).isEqualTo(forAlice);
        assertThat(resolver.resolve(Secret.of(bob.memoryKey()))).isEqualTo(forBob);
    }

    @Test
    void filesWithTheGivenReason() {
        EmulatedUser user = emu.createUser();
        String id = resolver.resolve(Secret.of(user.memoryKey()));

        assertThat(client.getAccessRequest(id).reason()).isEqualTo(REASON);
    }

    @Test
    void refusesUnusableArguments() {
        assertThatThrownBy(() -> new AccessRequestResolver(client, "x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("access request reason is 256 characters; the API allows at most 255");
        assertThatThrownBy(() -> new AccessRequestResolver(client, " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> resolver.resolve(Secret.of("")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("memory key is empty");
    }

    /** Looks up over a retrying client, files over one that makes single attempts, as the connectors do. */
    private AccessRequestResolver resolverWithRetryingLookups(MemoramClient lookups, MemoramClient creates) {
        return new AccessRequestResolver(lookups, creates, REASON);
    }

    private static MemoramClient retryingClientFor(String apiKey) {
        return MemoramClient.create(MemoramClientConfig.builder(URI.create(emu.baseUrl()), Secret.of(apiKey))
                .maxRetries(3).retryBackoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5)).build());
    }

    @Test
    void aCreateWhoseAnswerIsLostIsLookedUpNotFiledAgain() {
        EmulatedUser user = emu.createUser();
        emu.faults().on("POST", "/access-requests").next(1, Fault.dropAfterHandling());
        int postsBefore = emu.requestCount("POST", "/access-requests");
        try (MemoramClient lookups = retryingClientFor(apiKey)) {
            AccessRequestResolver.Resolution r = resolverWithRetryingLookups(lookups, client).resolveRequest(Secret.of(user.memoryKey()));

            assertThat(requestsOf(apiKey, user)).extracting(EmulatedAccessRequest::id).containsExactly(r.requestId());
            assertThat(r.filed()).isTrue();
            assertThat(r.status()).isEqualTo(AccessStatus.PENDING);
            assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(postsBefore + 1);
        }
    }

    @Test
    void aCreateThatNeverLandedIsFiledAgainAfterTheLookUp() {
        EmulatedUser user = emu.createUser();
        emu.faults().on("POST", "/access-requests").next(1, Fault.drop());
        int postsBefore = emu.requestCount("POST", "/access-requests");
        try (MemoramClient lookups = retryingClientFor(apiKey)) {
            String id = resolverWithRetryingLookups(lookups, client).resolve(Secret.of(user.memoryKey()));

            assertThat(requestsOf(apiKey, user)).extracting(EmulatedAccessRequest::id).containsExactly(id);
            assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(postsBefore + 2);
        }
    }

    @Test
    void twoLostCreatesInARowGiveUpWithoutAThirdAndTheNextResolutionFindsTheRequest() {
        EmulatedUser user = emu.createUser();
        emu.faults().on("POST", "/access-requests").next(1, Fault.drop()).next(1, Fault.status(503));
        int postsBefore = emu.requestCount("POST", "/access-requests");
        try (MemoramClient lookups = retryingClientFor(apiKey)) {
            AccessRequestResolver r = resolverWithRetryingLookups(lookups, client);
            assertThatThrownBy(() -> r.resolve(Secret.of(user.memoryKey())))
                    .isInstanceOf(MemoramUnavailableException.class)
                    .hasMessageContaining("POST /access-requests")
                    .hasMessageNotContaining(user.memoryKey());
            assertThat(requestsOf(apiKey, user)).isEmpty();
            assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(postsBefore + 2);

            String id = r.resolve(Secret.of(user.memoryKey()));
            assertThat(requestsOf(apiKey, user)).extracting(EmulatedAccessRequest::id).containsExactly(id);
        }
    }

    @Test
    void anIncompleteListingNeverLeadsToFiling() {
        EmulatedUser first = emu.createUser();
        EmulatedUser second = emu.createUser();
        String firstRequest = emu.grantAccess(apiKey, first);
        String secondRequest = emu.grantAccess(apiKey, second);
        emu.accessRequestListCap(1);
        int postsBefore = emu.requestCount("POST", "/access-requests");

        assertThat(resolver.resolve(Secret.of(first.memoryKey()))).isEqualTo(firstRequest);
        assertThatThrownBy(() -> resolver.resolve(Secret.of(second.memoryKey())))
                .isInstanceOf(MemoramException.class)
                .hasMessageContaining("holds 1 of 2 access requests")
                .hasMessageNotContaining(second.memoryKey());
        assertThat(emu.requestCount("POST", "/access-requests")).isEqualTo(postsBefore);

        emu.accessRequestListCap(0);
        assertThat(resolver.resolve(Secret.of(second.memoryKey()))).isEqualTo(secondRequest);
    }

    @Test
    void filesWithSingleAttemptsEvenOverARetryingClient() {
        try (MemoramClient retrying = retryingClientFor(apiKey)) {
            EmulatedUser user = emu.createUser();
            emu.faults().on("POST", "/access-requests").next(10, io.memoram.connect.emulator.Fault.status(503));
            int postsBefore = emu.requestCount("POST", "/access-requests");
            try {
                assertThatThrownBy(() -> new AccessRequestResolver(retrying, REASON).resolve(Secret.of(user.memoryKey())))
                        .isInstanceOf(io.memoram.connect.client.MemoramUnavailableException.class);
            } finally {
                emu.faults().clear();
            }
            // One POST per attempt, each after a look-up: the client's own 3 retries were not used.
            assertThat(emu.requestCount("POST", "/access-requests") - postsBefore)
                    .isEqualTo(AccessRequestResolver.MAX_CREATE_ATTEMPTS);
        }
    }
}
