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
 */
record ApiRequest(String method, String call, URI uri, byte[] body, String contentType, Kind kind,
                  List<String> secrets) {

    enum Kind {
        /** An API call with the developer JWT, through the circuit breaker. */
        API,
        /** {@code POST /auth/token}: no bearer; 400/401/403 mean the API key is refused. */
        AUTH,
        /** The OAuth code exchange: possibly another host, so it does not touch the API's circuit. */
        OAUTH
    }

    ApiRequest {
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    @Override
    public String toString() {
        return "ApiRequest[" + call + "]";
    }
}
