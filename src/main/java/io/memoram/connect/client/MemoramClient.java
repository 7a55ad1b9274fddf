package io.memoram.connect.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memoram.connect.client.model.AccessRequest;
import io.memoram.connect.client.model.AccessRequestList;
import io.memoram.connect.client.model.BlobQuery;
import io.memoram.connect.client.model.Credentials;
import io.memoram.connect.client.model.MemoryBlob;
import io.memoram.connect.client.model.MemoryBlobPage;
import io.memoram.connect.client.model.MemoryBlobPatch;
import io.memoram.connect.client.model.NewMemoryBlob;
import io.memoram.connect.client.model.Tag;
import io.memoram.connect.client.model.TokenResponse;
import io.memoram.connect.client.model.WrittenBlob;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The one entry point to the Memoram API (docs/memoram-api.md). Thread-safe; one instance per
 * connector or task. Every method may throw a {@link MemoramException} subclass:
 * <ul>
 *   <li>400/422 → {@link MemoramBadRequestException}, 403 → {@link MemoramAccessDeniedException},
 *       404 → {@link MemoramNotFoundException}: never retried;</li>
 *   <li>401 → the JWT is renewed once and the call re-sent; a second 401 →
 *       {@link MemoramAuthenticationException};</li>
 *   <li>408, 429, 5xx, timeouts and I/O failures → retried up to {@code maxRetries} times with
 *       capped exponential backoff and jitter ({@code Retry-After} wins when longer), then
 *       {@link MemoramUnavailableException}; also thrown at once, without a request, while the
 *       circuit breaker is open.</li>
 * </ul>
 * Messages name the call as a path template ({@code "GET /memory-blobs/{id}"}), the status and
 * the server's diagnostic text, never a secret. See {@link HttpTransport} for the mechanics.
 *
 * <p>How often a call is retried is chosen per call: {@link #withRetry(RetryPolicy)} returns a view of
 * the same client (same token, rate limiter, circuit breaker and connections) whose calls follow
 * another {@link RetryPolicy}; the client itself follows {@link RetryPolicy#STANDARD}. Retries
 * re-send writes too: a {@code POST /memory-blobs} whose response was lost may have created the
 * blob, so creates go through {@code withRetry(RetryPolicy.NONE)} where that matters.
 */
public final class MemoramClient implements AutoCloseable {

    /** The documented maximum length of an access request's reason. */
    public static final int MAX_REASON_LENGTH = 255;

    private final MemoramClientConfig config;
    private final ObjectMapper mapper;
    private final HttpTransport transport;
    private final RetryPolicy retryPolicy;
    private final int maxRetries;
    /** Asked right before each request of this view goes on the network ({@link #withGate}). */
    private final SendGate gate;
    /** One view per policy, shared by the client and all its views, so withRetry allocates nothing. */
    private final Map<RetryPolicy, MemoramClient> views;
    /** {@code POST /memory-blobs}'s URI, parsed once: the sink makes that call once per record. */
    private final URI createBlobUri;

    private MemoramClient(MemoramClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.mapper = Json.mapper();
        this.transport = new HttpTransport(config, mapper);
        this.createBlobUri = transport.uri("/memory-blobs");
        this.retryPolicy = RetryPolicy.STANDARD;
        this.maxRetries = retryPolicy.maxRetries(config.maxRetries());
        this.gate = SendGate.OPEN;
        this.views = new EnumMap<>(RetryPolicy.class);
        views.put(retryPolicy, this);
        for (RetryPolicy p : RetryPolicy.values()) {
            views.computeIfAbsent(p, policy -> new MemoramClient(this, policy));
        }
    }

    private MemoramClient(MemoramClient shared, RetryPolicy policy) {
        this(shared, policy, SendGate.OPEN);
    }

    private MemoramClient(MemoramClient shared, RetryPolicy policy, SendGate gate) {
        this.config = shared.config;
        this.mapper = shared.mapper;
        this.transport = shared.transport;
        this.createBlobUri = shared.createBlobUri;
        this.retryPolicy = policy;
        this.maxRetries = policy.maxRetries(config.maxRetries());
        this.gate = gate;
        this.views = shared.views;
    }

    /** A client following {@link RetryPolicy#STANDARD}; {@link #withRetry} gives the other policies. */
    public static MemoramClient create(MemoramClientConfig config) {
        return new MemoramClient(config);
    }

    /**
     * This client with calls retried as {@code policy} says. The views share everything (token, rate
     * limiter, circuit breaker, connections); closing any of them closes them all.
     */
    public MemoramClient withRetry(RetryPolicy policy) {
        MemoramClient view = views.get(Objects.requireNonNull(policy, "policy"));
        return gate == SendGate.OPEN ? view : new MemoramClient(view, policy, gate);
    }

    /**
     * This client (same retry policy, shared everything) with each request of its calls asking
     * {@code gate} right before it goes on the network, retries included; a refused call throws
     * {@link MemoramCallWithheldException}. Token requests are not the caller's and are never gated.
     * Cheap: meant to be made per call.
     */
    public MemoramClient withGate(SendGate gate) {
        return new MemoramClient(this, retryPolicy, Objects.requireNonNull(gate, "gate"));
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public MemoramClientConfig config() {
        return config;
    }

    /** Obtains a developer JWT now (also used as a cheap live check of the API key). */
    public TokenResponse issueToken() {
        return transport.tokens().renewNow(maxRetries);
    }

    // --- access requests ---

    public AccessRequest createAccessRequest(Secret memoryKey, String reason) {
        Objects.requireNonNull(memoryKey, "memoryKey");
        Objects.requireNonNull(reason, "reason");
        if (reason.length() > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("an access request reason may have at most " + MAX_REASON_LENGTH
                    + " characters, this one has " + reason.length());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("memoryKey", memoryKey.reveal());
        body.put("reason", reason);
        return transport.executeJson(new ApiRequest(ApiCall.CREATE_ACCESS_REQUEST.method(), ApiCall.CREATE_ACCESS_REQUEST.toString(),
                transport.uri("/access-requests"), json(body), HttpTransport.JSON, ApiRequest.Kind.API,
                List.of(memoryKey.reveal())), maxRetries, gate, AccessRequest.class);
    }

    public List<AccessRequest> listAccessRequests() {
        return accessRequestList().items();
    }

    /** The listing with the server's {@code total}, so callers can tell a complete listing from a partial one. */
    public AccessRequestList accessRequestList() {
        return get(ApiCall.LIST_ACCESS_REQUESTS, "/access-requests", AccessRequestList.class);
    }

    public AccessRequest getAccessRequest(String requestId) {
        return get(ApiCall.GET_ACCESS_REQUEST, "/access-requests/" + segment(requestId, "requestId"), AccessRequest.class);
    }

    /** @throws MemoramAccessDeniedException unless the request is approved */
    public Credentials getCredentials(String requestId) {
        return get(ApiCall.GET_CREDENTIALS, "/access-requests/" + segment(requestId, "requestId") + "/credentials",
                Credentials.class);
    }

    // --- memory blobs ---

    /** One page; {@code query} and {@code cursor} may be null. */
    public MemoryBlobPage listMemoryBlobs(String userId, BlobQuery query, String cursor) {
        BlobQuery q = query == null ? BlobQuery.DEFAULT : query;
        Query params = new Query().add("user_id", require(userId, "userId"));
        if (q.limit() != null) {
            params.add("limit", Integer.toString(q.limit()));
        }
        if (cursor != null && !cursor.isEmpty()) {
            params.add("cursor", cursor);
        }
        if (!q.tags().isEmpty()) {
            // Each name encoded on its own, joined by a literal comma: the documented separator.
            StringJoiner tags = new StringJoiner(",");
            q.tags().forEach(t -> tags.add(encode(t)));
            params.addEncoded("tags", tags.toString());
        }
        if (q.searchQuery() != null && !q.searchQuery().isEmpty()) {
            params.add("searchQuery", q.searchQuery());
        }
        if (q.importanceMin() != null) {
            params.add("importance", BigDecimal.valueOf(q.importanceMin()).toPlainString());
        }
        ApiRequest request = new ApiRequest(ApiCall.LIST_BLOBS.method(), ApiCall.LIST_BLOBS.toString(), transport.uri("/memory-blobs" + params), null, null,
                ApiRequest.Kind.API, List.of(), ApiRequest.maxPageBytes(q.limit()));
        return transport.executeJson(request, maxRetries, gate, MemoryBlobPage.class);
    }

    /** All blobs, fetching each page only when the iterator reaches it. */
    public Iterator<MemoryBlob> iterateMemoryBlobs(String userId, BlobQuery query) {
        require(userId, "userId");
        return new BlobIterator(this, userId, query == null ? BlobQuery.DEFAULT : query);
    }

    /** Creates a blob; {@code blob.content()} must already be sealed. Answers only the new blob's id. */
    public WrittenBlob createMemoryBlob(NewMemoryBlob blob) {
        Objects.requireNonNull(blob, "blob");
        ApiRequest request = new ApiRequest(ApiCall.CREATE_BLOB.method(), ApiCall.CREATE_BLOB.toString(), createBlobUri,
                Bodies.create(mapper.getFactory(), blob), HttpTransport.JSON, ApiRequest.Kind.API,
                secrets(blob.memoryKey(), blob.content()));
        String id = transport.execute(request, maxRetries, gate, response -> readId(request, response));
        if (id == null || id.isEmpty()) {
            throw new MemoramException(ApiCall.CREATE_BLOB.toString(), 201, ApiCall.CREATE_BLOB
                    + " answered without the new blob's id", null);
        }
        return new WrittenBlob(id);
    }

    /** Patches a blob (null fields untouched, {@code tags} replaces the list). Answers only the blob's id. */
    public WrittenBlob patchMemoryBlob(String blobId, MemoryBlobPatch patch) {
        Objects.requireNonNull(patch, "patch");
        ApiRequest request = new ApiRequest(ApiCall.PATCH_BLOB.method(), ApiCall.PATCH_BLOB.toString(),
                transport.uri("/memory-blobs/" + segment(blobId, "blobId")), Bodies.patch(mapper.getFactory(), patch),
                HttpTransport.JSON, ApiRequest.Kind.API, secrets(patch.memoryKey(), patch.content()));
        String id = transport.execute(request, maxRetries, gate, response -> readId(request, response));
        return new WrittenBlob(id == null || id.isEmpty() ? blobId : id);
    }

    private String readId(ApiRequest request, HttpResponse<byte[]> response) {
        try {
            return Bodies.readId(mapper.getFactory(), response.body());
        } catch (java.io.IOException e) {
            throw transport.unreadable(request, response, e);
        }
    }

    /** Deletes a blob; a 404 counts as done (returns false), otherwise true. */
    public boolean deleteMemoryBlob(String userId, String blobId) {
        ApiRequest request = new ApiRequest(ApiCall.DELETE_BLOB.method(), ApiCall.DELETE_BLOB.toString(), transport.uri("/memory-blobs/"
                + segment(blobId, "blobId") + new Query().add("user_id", require(userId, "userId"))),
                null, null, ApiRequest.Kind.API, List.of());
        try {
            transport.execute(request, maxRetries, gate, response -> null); // the JSON body carries nothing we need
            return true;
        } catch (MemoramNotFoundException e) {
            return false;
        }
    }

    // --- tags ---

    public List<Tag> listTags(String userId) {
        ApiRequest request = apiGet(ApiCall.LIST_TAGS, "/tags" + new Query().add("user_id", require(userId, "userId")));
        return transport.execute(request, maxRetries, gate, response -> {
            JsonNode root = transport.read(request, response, JsonNode.class);
            // Documented as {"items": [...]}; a bare array or "tags" is accepted as well.
            JsonNode items = root.isArray() ? root : root.has("items") ? root.get("items") : root.get("tags");
            if (items == null || items.isNull()) {
                return List.of();
            }
            try {
                List<Tag> tags = new ArrayList<>();
                for (JsonNode item : items) {
                    tags.add(mapper.treeToValue(item, Tag.class));
                }
                return List.copyOf(tags);
            } catch (JsonProcessingException e) {
                throw transport.unreadable(request, response, e);
            }
        });
    }

    @Override
    public void close() {
        transport.close();
    }

    // ------------------------------------------------------------------ helpers

    private <T> T get(ApiCall call, String pathAndQuery, Class<T> type) {
        return transport.executeJson(apiGet(call, pathAndQuery), maxRetries, gate, type);
    }

    private ApiRequest apiGet(ApiCall call, String pathAndQuery) {
        return new ApiRequest(call.method(), call.toString(), transport.uri(pathAndQuery), null, null, ApiRequest.Kind.API, List.of());
    }

    private byte[] json(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            // Never include the body: it holds the memory key.
            throw new IllegalArgumentException("cannot encode a " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static List<String> secrets(String... values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private static String require(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    private static String segment(String id, String name) {
        return encode(require(id, name));
    }

    /** Percent-encoding for a path segment or query value (space as %20, not '+'). */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query string (or form body) built from encoded pairs. */
    private static final class Query {
        private final StringJoiner pairs = new StringJoiner("&");

        Query add(String name, String value) {
            return addEncoded(name, encode(value));
        }

        Query addEncoded(String name, String encodedValue) {
            pairs.add(encode(name) + "=" + encodedValue);
            return this;
        }

        String body() {
            return pairs.toString();
        }

        @Override
        public String toString() {
            String s = pairs.toString();
            return s.isEmpty() ? "" : "?" + s;
        }
    }

}
