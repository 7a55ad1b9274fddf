package io.memoram.connect.access;

import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.Secret;
import io.memoram.connect.crypto.ContentCipher;
import io.memoram.connect.crypto.KeyRing;

/**
 * What a task holds for one approved access request: the user id, the memory key and the key ring,
 * in memory only. Implements key rotation (Part B.2): when opening or a write fails, credentials
 * are fetched again and a new {@code key_version} joins the ring.
 * SKELETON: being implemented.
 */
public final class UserAccess {

    /**
     * Fetches the credentials of an approved request.
     *
     * @throws io.memoram.connect.client.MemoramAccessDeniedException when not (or no longer) approved
     */
    public static UserAccess open(MemoramClient client, String requestId, ContentCipher cipher) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public String requestId() { throw new UnsupportedOperationException(); }

    public String userId() { throw new UnsupportedOperationException(); }

    public Secret memoryKey() { throw new UnsupportedOperationException(); }

    public int newestKeyVersion() { throw new UnsupportedOperationException(); }

    /**
     * Opens content, refreshing credentials once if no known key opens it.
     *
     * @throws io.memoram.connect.crypto.NoKeyOpensException when no key opens it even after refresh
     * @throws io.memoram.connect.crypto.MalformedCiphertextException when it is not ciphertext at all
     */
    public KeyRing.Opened open(String content) { throw new UnsupportedOperationException(); }

    /** Seals with the user's newest key. */
    public String seal(String plaintext) { throw new UnsupportedOperationException(); }

    /**
     * Fetches the credentials again (after a refused write, or a failed open). Returns true when
     * the key version changed.
     */
    public boolean refresh() { throw new UnsupportedOperationException(); }
}
