package io.memoram.connect.access;

import io.memoram.connect.client.MemoramClient;
import io.memoram.connect.client.Secret;

/**
 * Turns a user's memory key into the id of an access request: an existing request for the same
 * key is reused ({@code GET /access-requests}), otherwise one is filed. Ids are remembered by the
 * caller (the source keeps them in offset storage under {@link #keyFingerprint(Secret)}).
 * SKELETON: being implemented.
 */
public final class AccessRequestResolver {

    public AccessRequestResolver(MemoramClient client, String reason) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Returns the id of the existing (or newly filed) access request for {@code memoryKey}. */
    public String resolve(Secret memoryKey) { throw new UnsupportedOperationException(); }

    /**
     * A stable, non-reversible fingerprint of a memory key (hex SHA-256 of a domain-separated
     * input), safe to keep in offsets, task configs and logs.
     */
    public static String keyFingerprint(Secret memoryKey) { throw new UnsupportedOperationException(); }
}
