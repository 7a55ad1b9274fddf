package io.memoram.connect.client;

import java.net.URI;
import java.util.List;

/**
 * One logical call, as the transport executes it (with its retries).
 *
 * @param method      HTTP method
 * @param call        {@code "GET /memory-blobs/{id}"}: the path template used in messages and metrics
 * @param uri         the full URI, query included
 * @param body        request body or null
 * @param contentType type of {@code body}
 * @param kind        which rules apply: bearer token, circuit breaker, status mapping
 * @param secrets     values sent in this call that must never appear in a message (memory key, ...)
 * @param maxResponseBytes the largest response body accepted; a longer one fails the call unread
 */
record ApiRequest(String method, String call, URI uri, byte[] body, String contentType, Kind kind,
                  List<String> secrets, long maxResponseBytes) {

    /**
     * The cap of every call but a page of blobs: 16 MiB. The largest of them is one blob (at most
     * {@link #MAX_BLOB_JSON_BYTES}) or the developer's list of access requests (about 300 bytes each,
     * so some 50,000 requests): far below, and still small enough for a worker's heap.
     */
    static final long DEFAULT_MAX_RESPONSE_BYTES = 16L << 20;
    /**
     * What one blob may take in a listing: 1.5 MiB. The sink writes at most 1 MiB of content, which is
     * about 1.34 MiB once sealed (nonce and tag) and Base64-encoded; the rest leaves room for the id,
     * title, summary, tags and timestamps.
     */
    static final long MAX_BLOB_JSON_BYTES = 3L << 19;
    /** The page size the API uses when none is asked for. */
    static final int API_DEFAULT_PAGE_SIZE = 10;

    /**
     * The cap of a page of {@code limit} blobs (null: the API's default): 1 MiB plus 1.5 MiB per blob.
     * {@link Exchange} lowers every cap to the client's {@link ResponseBudget}, which also bounds the
     * bodies of all calls in flight together: this cap alone would be gigabytes at 10,000 blobs.
     */
    static long maxPageBytes(Integer limit) {
        int blobs = limit == null ? API_DEFAULT_PAGE_SIZE : Math.max(1, limit);
        return (1L << 20) + blobs * MAX_BLOB_JSON_BYTES;
    }

    ApiRequest(String method, String call, URI uri, byte[] body, String contentType, Kind kind, List<String> secrets) {
        this(method, call, uri, body, contentType, kind, secrets, DEFAULT_MAX_RESPONSE_BYTES);
    }

    enum Kind {
        /** An API call with the developer JWT, through the circuit breaker. */
        API,
        /** {@code POST /auth/token}: no bearer; 400/401/403 mean the API key is refused. */
        AUTH
    }

    ApiRequest {
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    @Override
    public String toString() {
        return "ApiRequest[" + call + "]";
    }
}
