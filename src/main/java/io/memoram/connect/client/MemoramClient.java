package io.memoram.connect.client;

import java.net.URI;
import java.util.Iterator;
import java.util.List;

/**
 * The one entry point to the Memoram API (memoram-api.md, Part A). Thread-safe; one instance per
 * connector or task. Every method may throw a {@link MemoramException} subclass: see Part B.3 for
 * which failures are retried inside the client.
 *
 * <p>SKELETON: signatures are fixed; the implementation is being written.
 */
public final class MemoramClient implements AutoCloseable {

    private MemoramClient(MemoramClientConfig config) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public static MemoramClient create(MemoramClientConfig config) {
        return new MemoramClient(config);
    }

    public MemoramClientConfig config() { throw new UnsupportedOperationException(); }

    /** Obtains a developer JWT now (also used as a cheap live check of the API key). */
    public TokenResponse issueToken() { throw new UnsupportedOperationException(); }

    // --- access requests ---
    public AccessRequest createAccessRequest(Secret memoryKey, String reason) { throw new UnsupportedOperationException(); }
    public List<AccessRequest> listAccessRequests() { throw new UnsupportedOperationException(); }
    public AccessRequest getAccessRequest(String requestId) { throw new UnsupportedOperationException(); }
    /** @throws MemoramAccessDeniedException unless the request is approved */
    public Credentials getCredentials(String requestId) { throw new UnsupportedOperationException(); }

    // --- memory blobs ---
    public MemoryBlobPage listMemoryBlobs(String userId, BlobQuery query, String cursor) { throw new UnsupportedOperationException(); }
    /** All blobs, fetching each page only when the iterator reaches it. */
    public Iterator<MemoryBlob> iterateMemoryBlobs(String userId, BlobQuery query) { throw new UnsupportedOperationException(); }
    public MemoryBlob getMemoryBlob(String userId, String blobId) { throw new UnsupportedOperationException(); }
    public MemoryBlob createMemoryBlob(NewMemoryBlob blob) { throw new UnsupportedOperationException(); }
    public MemoryBlob patchMemoryBlob(String blobId, MemoryBlobPatch patch) { throw new UnsupportedOperationException(); }
    /** Deletes a blob; a 404 counts as done (returns false), otherwise true. */
    public boolean deleteMemoryBlob(String userId, String blobId) { throw new UnsupportedOperationException(); }

    // --- tags ---
    public List<Tag> listTags(String userId) { throw new UnsupportedOperationException(); }
    public Tag getTag(String userId, String tagId) { throw new UnsupportedOperationException(); }

    // --- OAuth ---
    public OAuthTokenResponse exchangeAuthorizationCode(URI tokenEndpoint, String code, String clientId,
                                                        Secret clientSecret, URI redirectUri) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() { }
}
