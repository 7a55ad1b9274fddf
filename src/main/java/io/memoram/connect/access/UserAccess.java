package io.memoram.connect.access;

import io.memoram.connect.client.model.Credentials;
import io.memoram.connect.client.ApiCall;
import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.MemoramException;
import io.memoram.connect.client.MemoramUnavailableException;
import io.memoram.connect.client.Secret;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.EncryptionKey;
import io.memoram.connect.crypto.KeyDestroyedException;
import io.memoram.connect.crypto.KeyRing;
import io.memoram.connect.crypto.NoKeyOpensException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a task holds for one approved access request: the user id, the memory key and the key ring,
 * in memory only. Implements key rotation (docs/memoram-api.md, "Key rotation"): when opening or a write fails, credentials
 * are fetched again and a new {@code key_version} joins the ring.
 *
 * <p>The one credentials-refresh policy: when no known key opens content, the credentials are
 * fetched again unless they were already fetched after that content was read from the API (then
 * every key that could have sealed it is known) or less than {@link #DEFAULT_REFRESH_INTERVAL}
 * ago. Blobs do not say which key sealed them, so a corrupt blob looks exactly like one sealed
 * with an unknown key: a listing full of corrupt blobs costs at most one fetch per page read,
 * never one per blob, while a blob sealed with a key rotated in moments ago still opens. Explicit
 * {@link #refresh()} calls (after a refused write) are not limited. Thread-safe.
 *
 * <p>{@link #close()} (the user's access ended, or the task stopped) wipes the keys and drops the
 * memory key. A call under way or made after that fails with a retriable
 * {@link MemoramUnavailableException} naming the user: the access state is in flux, so the caller
 * retries and then finds the user's current status; the content is never blamed.
 */
public final class UserAccess implements AutoCloseable {
    /** Shortest time between two credential fetches triggered by content no key opens. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(UserAccess.class);

    private final MemoramClient client;
    private final String requestId;
    private final ContentCipher cipher;
    private final Clock clock;
    private final Duration refreshInterval;
    private final KeyRing ring;
    private final String userId;
    private final Object refreshLock = new Object();

    /** Null once closed. */
    private volatile Secret memoryKey;
    private volatile boolean closed;
    /** The key_version the server named last (the ring's newest unless the server went backwards). */
    private volatile int serverKeyVersion;
    /** When credentials were last fetched successfully; guarded by refreshLock. */
    private Instant lastFetch;

    private UserAccess(MemoramClient client, String requestId, ContentCipher cipher, Clock clock,
                       Duration refreshInterval, Credentials credentials) {
        this.client = client;
        this.requestId = requestId;
        this.cipher = cipher;
        this.clock = clock;
        this.refreshInterval = refreshInterval;
        this.userId = credentials.userId();
        this.memoryKey = Secret.of(credentials.memoryKey());
        this.serverKeyVersion = credentials.keyVersion();
        this.ring = new KeyRing(keyOf(credentials));
        this.lastFetch = clock.instant();
    }

    /**
     * Fetches the credentials of an approved request.
     *
     * @throws io.memoram.connect.client.MemoramAccessDeniedException when not (or no longer) approved
     * @throws io.memoram.connect.crypto.InvalidKeyMaterialException when the encryption key is unusable
     */
    public static UserAccess open(MemoramClient client, String requestId, ContentCipher cipher) {
        return open(client, requestId, cipher, Clock.systemUTC(), DEFAULT_REFRESH_INTERVAL);
    }

    /** {@link #open(MemoramClient, String, ContentCipher)} with the clock and refresh interval given (tests). */
    static UserAccess open(MemoramClient client, String requestId, ContentCipher cipher, Clock clock,
                           Duration refreshInterval) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
        Credentials credentials = fetch(client, requestId, null);
        try {
            return new UserAccess(client, requestId, cipher, clock, refreshInterval, credentials);
        } finally {
            credentials.wipeEncryptionKey();
        }
    }

    public String requestId() {
        return requestId;
    }

    public String userId() {
        return userId;
    }

    /** The memory key; throws (retriable) once {@link #close() closed}. */
    public Secret memoryKey() {
        Secret key = memoryKey;
        if (key == null || closed) {
            throw ended(null);
        }
        return key;
    }

    /** The version of the key that seals, i.e. the highest known. */
    public int newestKeyVersion() {
        return ring.newest().version();
    }

    /** The cipher this access seals and opens with. */
    public ContentCipher cipher() {
        return cipher;
    }

    /**
     * Opens content, refreshing credentials once if no known key opens it.
     *
     * @throws io.memoram.connect.crypto.NoKeyOpensException when no key opens it even after refresh
     * @throws io.memoram.connect.crypto.MalformedCiphertextException when it is not ciphertext at all
     * @throws io.memoram.connect.client.MemoramAccessDeniedException when the refresh finds access revoked
     */
    public KeyRing.Opened open(String content) {
        return open(content, Instant.MIN);
    }

    /**
     * Opens content read from the API at {@code readAt}, refreshing credentials once when no known
     * key opens it and they were fetched before {@code readAt} (or the refresh interval has passed).
     *
     * @throws io.memoram.connect.crypto.NoKeyOpensException when no key opens it even after refresh
     * @throws io.memoram.connect.crypto.MalformedCiphertextException when it is not ciphertext at all
     * @throws io.memoram.connect.client.MemoramAccessDeniedException when the refresh finds access revoked
     */
    public KeyRing.Opened open(String content, Instant readAt) {
        try {
            int ringSizeBefore = ring.size();
            try {
                return ring.open(cipher, content);
            } catch (NoKeyOpensException first) {
                synchronized (refreshLock) {
                    // Another thread may have fetched a new key while this one was trying the old ones.
                    if (ring.size() == ringSizeBefore && !refreshIfDue(readAt)) {
                        throw first;
                    }
                }
                return ring.open(cipher, content);
            }
        } catch (KeyDestroyedException e) {
            throw ended(e);
        }
    }

    /** Seals with the user's newest key. */
    public String seal(String plaintext) {
        try {
            return ring.seal(cipher, plaintext);
        } catch (KeyDestroyedException e) {
            throw ended(e);
        }
    }

    /**
     * Wipes the encryption keys from memory and drops the memory key: the user's access ended or
     * the task stopped. The memory key is a {@link Secret} around an immutable String, which cannot
     * be zeroed; dropping it leaves it to the garbage collector. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        memoryKey = null;
        ring.destroy();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Retriable on purpose: by the next try the caller sees whether the user is still served. */
    private MemoramUnavailableException ended(KeyDestroyedException cause) {
        return new MemoramUnavailableException("use of the credentials of access request " + requestId, 0,
                "the access to user " + userId + " (access request " + requestId + ") ended while a call was under way "
                        + "(its keys were wiped); the user's current status decides on the next try", null, cause);
    }

    /**
     * Fetches the credentials again (after a refused write, or a failed open). Returns true when
     * the key version changed; the new key then seals, and the older ones stay for older blobs.
     * A changed memory key is picked up too.
     */
    public boolean refresh() {
        synchronized (refreshLock) {
            try {
                return doRefresh();
            } catch (KeyDestroyedException e) {
                throw ended(e);
            }
        }
    }

    /** Refreshes unless the last fetch is younger than both the content and the interval; true when the key changed. */
    private boolean refreshIfDue(Instant readAt) {
        Instant now = clock.instant();
        if (lastFetch != null && !lastFetch.isBefore(readAt) && now.isBefore(lastFetch.plus(refreshInterval))) {
            log.debug("No key opens content of user {}; credentials were fetched at {}, not again before {}",
                    userId, lastFetch, lastFetch.plus(refreshInterval));
            return false;
        }
        return doRefresh();
    }

    private boolean doRefresh() {
        if (closed) {
            throw ended(null); // fetch no credentials that nobody would wipe
        }
        Credentials credentials = fetch(client, requestId, userId);
        try {
            return applyRefreshed(credentials);
        } finally {
            credentials.wipeEncryptionKey();
        }
    }

    private boolean applyRefreshed(Credentials credentials) {
        lastFetch = clock.instant();
        Secret freshMemoryKey = Secret.of(credentials.memoryKey());
        if (closed) {
            throw ended(null);
        }
        if (!freshMemoryKey.equals(memoryKey)) {
            memoryKey = freshMemoryKey;
            log.info("Memory key of user {} (access request {}) changed", userId, requestId);
        }
        int before = serverKeyVersion;
        serverKeyVersion = credentials.keyVersion();
        boolean added = ring.add(keyOf(credentials));
        if (closed) {
            memoryKey = null; // close() ran during the fetch: drop what it just set
            throw ended(null);
        }
        boolean changed = added || credentials.keyVersion() != before;
        if (changed) {
            log.info("Encryption key of user {} changed: key_version {} -> {}; known versions {}",
                    userId, before, credentials.keyVersion(), ring.versions());
        }
        return changed;
    }

    private EncryptionKey keyOf(Credentials credentials) {
        // The plaintext scheme never uses the key, so a key it cannot parse must not stop it.
        return cipher.usesKey()
                ? EncryptionKey.fromHexAndWipe(credentials.encryptionKey(), credentials.keyVersion())
                : EncryptionKey.unused(credentials.keyVersion());
    }

    /** Fetches and checks credentials; {@code expectedUserId} null on the first fetch. */
    private static Credentials fetch(MemoramClient client, String requestId, String expectedUserId) {
        Credentials credentials = client.getCredentials(requestId);
        try {
            check(credentials, requestId, expectedUserId);
            return credentials;
        } catch (RuntimeException e) {
            if (credentials != null) {
                credentials.wipeEncryptionKey(); // refused: its key is never parsed, so wipe it here
            }
            throw e;
        }
    }

    private static void check(Credentials credentials, String requestId, String expectedUserId) {
        if (credentials == null || credentials.userId() == null || credentials.userId().isBlank()) {
            throw new MemoramException(ApiCall.GET_CREDENTIALS.toString(), 200,
                    "credentials of access request " + requestId + " name no user_id", null);
        }
        if (credentials.memoryKey() == null || credentials.memoryKey().isEmpty()) {
            throw new MemoramException(ApiCall.GET_CREDENTIALS.toString(), 200,
                    "credentials of access request " + requestId + " carry no memory_key", null);
        }
        if (expectedUserId != null && !expectedUserId.equals(credentials.userId())) {
            // Keys of two users must never share a ring; this request is not what it was.
            throw new MemoramException(ApiCall.GET_CREDENTIALS.toString(), 200, "access request " + requestId
                    + " now names user " + credentials.userId() + " instead of " + expectedUserId, null);
        }
    }

    @Override
    public String toString() {
        return "UserAccess[requestId=" + requestId + ", userId=" + userId + ", cipher=" + cipher.name()
                + ", keyVersions=" + ring.versions() + "]";
    }
}
