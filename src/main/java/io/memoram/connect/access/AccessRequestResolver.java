package io.memoram.connect.access;

import io.memoram.connect.client.ApiCall;
import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessStatus;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.RetryPolicy;
import io.memoram.connect.client.Secret;
import io.memoram.connect.util.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a user's memory key into the id of an access request: an existing request for the same
 * key is reused ({@code GET /access-requests}), otherwise one is filed. Ids are remembered by the
 * caller (the source keeps them in offset storage under {@link #keyFingerprint(Secret)}).
 *
 * <p>Rejected and revoked requests are reused too rather than filed again: a new request would
 * put a fresh approval prompt in front of a user who already said no. What happens to such a user
 * is the caller's {@code behavior.on.access.revoked}.
 */
public final class AccessRequestResolver {
    private static final Logger log = LoggerFactory.getLogger(AccessRequestResolver.class);
    private static final String FINGERPRINT_DOMAIN = "memoram-memory-key:";

    /** Approved beats pending beats everything else; within a rank, the newest wins. */
    private static final Comparator<AccessRequest> PREFERENCE = Comparator
            .comparingInt((AccessRequest r) -> rank(r.status()))
            .thenComparing(AccessRequestResolver::newness, Comparator.reverseOrder());

    /** How many times one resolution files a request whose answer was lost, each after a look-up found none. */
    static final int MAX_CREATE_ATTEMPTS = 2;

    private final MemoramClient client;
    private final MemoramClient createClient;
    private final String reason;

    /**
     * @param client       for look-ups (may retry)
     * @param createClient for {@code POST /access-requests}, used with {@link RetryPolicy#NONE}
     *                     whatever its own policy: a create whose answer was lost may have filed the request
     */
    public AccessRequestResolver(MemoramClient client, MemoramClient createClient, String reason) {
        this.client = Objects.requireNonNull(client, "client");
        this.createClient = Objects.requireNonNull(createClient, "createClient").withRetry(RetryPolicy.NONE);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("access request reason must not be empty");
        }
        if (reason.length() > MemoramClient.MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("access request reason is " + reason.length()
                    + " characters; the API allows at most " + MemoramClient.MAX_REASON_LENGTH);
        }
        this.reason = reason;
    }

    /** One client for both look-ups (its own retry policy) and creates (single attempts). */
    public AccessRequestResolver(MemoramClient client, String reason) {
        this(client, client, reason);
    }

    /** What {@link #resolveRequest(Secret)} found or filed. */
    public record Resolution(String requestId, AccessStatus status, boolean filed) { }

    /** Returns the id of the existing (or newly filed) access request for {@code memoryKey}. */
    public String resolve(Secret memoryKey) {
        return resolveRequest(memoryKey).requestId();
    }

    /**
     * Like {@link #resolve(Secret)}, also saying the request's status and whether it was filed just
     * now, so the caller can tell the operator that a user still has to approve.
     *
     * <p>Filing is never retried blind: {@code POST /access-requests} is not idempotent, and a
     * second request would put a second approval prompt in front of the user. After a create that
     * got no answer (timeout, dropped connection, 5xx) the request is looked up by its memory key
     * first, and filed again only when the (complete) listing does not hold it.
     *
     * @throws MemoramException when the listing is incomplete and does not hold the key (nothing is filed),
     *                          or the API could not be reached (the caller tries again later)
     */
    public Resolution resolveRequest(Secret memoryKey) {
        Objects.requireNonNull(memoryKey, "memoryKey");
        if (memoryKey.isEmpty()) {
            throw new IllegalArgumentException("memory key is empty");
        }
        String fingerprint = keyFingerprint(memoryKey);
        Optional<AccessRequest> existing = lookUp(memoryKey, fingerprint);
        if (existing.isPresent()) {
            AccessRequest request = existing.get();
            log.debug("Reusing access request {} ({}) for memory key {}", request.id(), request.status(), fingerprint);
            return new Resolution(request.id(), request.status(), false);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                AccessRequest filed = createClient.createAccessRequest(memoryKey, reason);
                log.info("Filed access request {} for memory key {}; the user approves it in the Memoram dashboard",
                        filed.id(), fingerprint);
                return new Resolution(filed.id(), filed.status() == null ? AccessStatus.PENDING : filed.status(), true);
            } catch (MemoramUnavailableException unanswered) {
                // The request may have been filed: look before filing again.
                Optional<AccessRequest> landed = lookUp(memoryKey, fingerprint);
                if (landed.isPresent()) {
                    log.info("Filing an access request for memory key {} got no answer ({}), but it was filed: request {}",
                            fingerprint, unanswered.getMessage(), landed.get().id());
                    return new Resolution(landed.get().id(), landed.get().status(), true);
                }
                if (attempt >= MAX_CREATE_ATTEMPTS) {
                    throw unanswered;
                }
                log.warn("Filing an access request for memory key {} got no answer ({}) and none was filed; filing again",
                        fingerprint, unanswered.getMessage());
            }
        }
    }

    /** The preferred request for the key; empty only when a complete listing has none. */
    private Optional<AccessRequest> lookUp(Secret memoryKey, String fingerprint) {
        AccessListing listing = AccessListing.read(client);
        Optional<AccessRequest> found = findExisting(listing.items(), memoryKey);
        if (found.isEmpty() && !listing.complete()) {
            throw new MemoramException(ApiCall.LIST_ACCESS_REQUESTS.toString(), 200, "the listing holds " + listing.items().size()
                    + " of " + listing.total() + " access requests, so a request for memory key " + fingerprint.substring(0, 12)
                    + "... may exist in the part not returned; not filing a new one", null);
        }
        return found;
    }

    /** The preferred request for that key among {@code requests}, if any. */
    static Optional<AccessRequest> findExisting(List<AccessRequest> requests, Secret memoryKey) {
        byte[] wanted = memoryKey.reveal().getBytes(StandardCharsets.UTF_8);
        return requests.stream()
                .filter(r -> r.id() != null && r.memoryKey() != null)
                // Constant time, so response timing says nothing about how close a key came.
                .filter(r -> MessageDigest.isEqual(wanted, r.memoryKey().getBytes(StandardCharsets.UTF_8)))
                .min(PREFERENCE);
    }

    private static int rank(AccessStatus status) {
        if (status == AccessStatus.APPROVED) {
            return 0;
        }
        return status == AccessStatus.PENDING ? 1 : 2;
    }

    private static Instant newness(AccessRequest r) {
        Instant t = r.createdAt() != null ? r.createdAt() : r.updatedAt();
        return t == null ? Instant.MIN : t;
    }

    /**
     * A stable, non-reversible fingerprint of a memory key (hex SHA-256 of a domain-separated
     * input), safe to keep in offsets, task configs and logs.
     */
    public static String keyFingerprint(Secret memoryKey) {
        Objects.requireNonNull(memoryKey, "memoryKey");
        return HexFormat.of().formatHex(Sha256.of(FINGERPRINT_DOMAIN + memoryKey.reveal()));
    }

    @Override
    public String toString() {
        return "AccessRequestResolver[reason=" + reason + "]";
    }
}
