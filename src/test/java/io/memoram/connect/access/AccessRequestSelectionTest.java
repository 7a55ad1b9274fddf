package io.memoram.connect.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which existing request {@link AccessRequestResolver} reuses, and the key fingerprint. */
class AccessRequestSelectionTest {
    private static final Secret KEY = Secret.of("mk_test_123");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static AccessRequest request(String id, AccessStatus status, String memoryKey, int ageDays) {
        Instant created = T0.minusSeconds(86_400L * ageDays);
        return new AccessRequest(id, status, "reason", memoryKey, null, null, created, created);
    }

    private static Optional<String> pick(AccessRequest... requests) {
        return AccessRequestResolver.findExisting(List.of(requests), KEY).map(AccessRequest::id);
    }

    @Test
    void approvedBeatsNewerPendingAndRejected() {
        assertThat(pick(
                request("pending-new", AccessStatus.PENDING, "mk_test_123", 0),
                request("approved-old", AccessStatus.APPROVED, "mk_test_123", 30),
                request("rejected-newest", AccessStatus.REJECTED, "mk_test_123", 0)))
                .contains("approved-old");
    }

    @Test
    void pendingBeatsNewerRevoked() {
        assertThat(pick(
                request("revoked-new", AccessStatus.REVOKED, "mk_test_123", 1),
                request("pending-old", AccessStatus.PENDING, "mk_test_123", 9)))
                .contains("pending-old");
    }

    @Test
    void theNewestWinsWithinAStatus() {
        assertThat(pick(
                request("approved-older", AccessStatus.APPROVED, "mk_test_123", 5),
                request("approved-newer", AccessStatus.APPROVED, "mk_test_123", 2),
                request("approved-oldest", AccessStatus.APPROVED, "mk_test_123", 9)))
                .contains("approved-newer");
    }

    @Test
    void rejectedAndRevokedAreReusedRatherThanFiledAgain() {
        assertThat(pick(
                request("rejected-old", AccessStatus.REJECTED, "mk_test_123", 9),
                request("revoked-new", AccessStatus.REVOKED, "mk_test_123", 1)))
                .contains("revoked-new");
    }

    @Test
    void requestsForOtherKeysAreIgnored() {
        assertThat(pick(
                request("other", AccessStatus.APPROVED, "mk_test_1234", 0),
                request("prefix", AccessStatus.APPROVED, "mk_test_12", 0),
                request("case", AccessStatus.APPROVED, "MK_TEST_123", 0),
                request("none", AccessStatus.APPROVED, null, 0)))
                .isEmpty();
        assertThat(pick()).isEmpty();
    }

    @Test
    void requestsWithoutTimestampsCountAsOldest() {
        AccessRequest undated = new AccessRequest("undated", AccessStatus.PENDING, null, "mk_test_123",
                null, null, null, null);
        assertThat(pick(undated, request("dated", AccessStatus.PENDING, "mk_test_123", 400))).contains("dated");
        assertThat(pick(undated)).contains("undated");
    }

    @Test
    void unknownStatusesRankWithRejected() {
        assertThat(pick(
                request("unknown-new", AccessStatus.UNKNOWN, "mk_test_123", 0),
                request("pending-old", AccessStatus.PENDING, "mk_test_123", 9)))
                .contains("pending-old");
    }

    @Test
    void fingerprintIsLowercaseHexSha256OfTheDomainSeparatedKey() {
        // printf 'memoram-memory-key:mk_test_123' | sha256sum
        assertThat(AccessRequestResolver.keyFingerprint(KEY))
                .isEqualTo("12a3abf01e12d3f07f31f86e56897e661552b0ee0a7d6607f5a42565f665f5b8");
        assertThat(AccessRequestResolver.keyFingerprint(Secret.of("")))
                .isEqualTo("50b5eca0c325ca5156e65c2f140b72ad19cdc21810bd8c1721425f9ed53013cd");
    }

    @Test
    void fingerprintIsStableAndDistinguishesKeys() {
        assertThat(AccessRequestResolver.keyFingerprint(Secret.of("mk_test_123")))
                .isEqualTo(AccessRequestResolver.keyFingerprint(KEY))
                .isNotEqualTo(AccessRequestResolver.keyFingerprint(Secret.of("mk_test_124")))
                .matches("[0-9a-f]{64}")
                .doesNotContain("mk_test_123");
    }
}
