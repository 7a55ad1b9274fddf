package io.memoram.connect.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's acts over HTTP under /admin, for the demo and for humans poking at a running emulator.
 * No authentication at all: local use only (the emulator binds 127.0.0.1 by default). Never part of the
 * Memoram API; the connector never calls it.
 */
final class AdminHandler {
    private final MemoramEmulator emu;
    private final EmulatorState state;

    AdminHandler(MemoramEmulator emu, EmulatorState state) {
        this.emu = emu;
        this.state = state;
    }

    Response handle(Request r) {
        String[] seg = ApiHandler.segments(r.path());
        String m = r.method();
        String first = seg.length == 0 ? "" : seg[0];
        switch (first) {
            case "":
                return Response.ok(Map.of("endpoints", ENDPOINTS));
            case "api-keys":
                if (seg.length == 1 && m.equals("POST")) {
                    return Response.created(Map.of("api_key", state.createApiKey()));
                }
                break;
            case "users":
                return users(r, seg);
            case "access-requests":
                return accessRequests(r, seg);
            case "faults":
                if (seg.length == 1 && m.equals("POST")) {
                    return addFault(Json.parseObject(r.body()));
                }
                if (seg.length == 1 && m.equals("DELETE")) {
                    emu.faults().clear();
                    return Response.ok(Map.of("cleared", true));
                }
                break;
            case "tokens":
                if (seg.length == 2 && seg[1].equals("expire") && m.equals("POST")) {
                    state.expireAllTokens();
                    return Response.ok(Map.of("expired", true));
                }
                break;
            case "settings":
                if (seg.length == 1 && m.equals("POST")) {
                    return settings(Json.parseObject(r.body()));
                }
                break;
            case "state":
                if (seg.length == 1 && m.equals("GET")) {
                    Map<String, Object> s = new LinkedHashMap<>(state.summary());
                    s.put("pending_faults", emu.faults().pending());
                    s.put("api_requests", emu.requestCount(null, null));
                    return Response.ok(s);
                }
                break;
            default:
                break;
        }
        throw HttpError.notFound("no admin endpoint " + m + " " + r.path() + " (GET /admin lists them)");
    }

    private Response users(Request r, String[] seg) {
        if (seg.length == 1 && r.method().equals("POST")) {
            return Response.created(Json.credentials(state.createUser()));
        }
        if (seg.length == 1 && r.method().equals("GET")) {
            return Response.ok(Map.of("items", state.users().stream().map(Json::credentials).toList()));
        }
        if (seg.length == 3 && r.method().equals("POST")) {
            String userId = seg[1];
            switch (seg[2]) {
                case "rotate-key":
                    int v = state.rotateKey(userId);
                    return Response.ok(Map.of("user_id", userId, "key_version", v));
                case "blobs":
                    return Response.created(Json.blob(seedBlob(userId, Json.parseObject(r.body())), true));
                case "oauth-codes": {
                    ObjectNode b = Json.parseObject(r.body());
                    String code = state.createAuthorizationCode(userId, Json.requiredString(b, "client_id"),
                            Json.requiredString(b, "client_secret"), Json.requiredString(b, "redirect_uri"));
                    return Response.created(Map.of("code", code, "token_url", emu.oauthTokenUrl()));
                }
                default:
                    break;
            }
        }
        throw HttpError.notFound("no admin endpoint " + r.method() + " " + r.path());
    }

    /** Body: plaintext {@code content} plus the optional blob fields; sealed with the user's current key. */
    private StoredBlob seedBlob(String userId, ObjectNode body) {
        String plaintext = Json.requiredString(body, "content");
        BlobChanges c = Json.blobFields(body, new BlobChanges());
        c.set(BlobChanges.CONTENT, state.seal(userId, plaintext));
        return state.createBlob(userId, c);
    }

    private Response accessRequests(Request r, String[] seg) {
        if (seg.length == 1 && r.method().equals("GET")) {
            return Response.ok(Map.of("items", state.requests().stream().map(Json::accessRequest).toList()));
        }
        if (seg.length == 3 && r.method().equals("POST")) {
            String status;
            switch (seg[2]) {
                case "approve":
                    status = EmulatedAccessRequest.APPROVED;
                    break;
                case "reject":
                    status = EmulatedAccessRequest.REJECTED;
                    break;
                case "revoke":
                    status = EmulatedAccessRequest.REVOKED;
                    break;
                default:
                    throw HttpError.notFound("no admin endpoint " + r.path() + " (approve, reject or revoke)");
            }
            return Response.ok(Json.accessRequest(state.setStatus(seg[1], status)));
        }
        throw HttpError.notFound("no admin endpoint " + r.method() + " " + r.path());
    }

    /** Body: {method?, path?, count? (1), and one of: status (+ retry_after), delay_ms, drop (+ after_handling), stall (+ stall_ms)}. */
    private Response addFault(ObjectNode b) {
        String method = Json.optionalString(b, "method");
        String path = Json.optionalString(b, "path");
        Long count = Json.optionalLong(b, "count");
        Long status = Json.optionalLong(b, "status");
        Long retryAfter = Json.optionalLong(b, "retry_after");
        Long delayMs = Json.optionalLong(b, "delay_ms");
        boolean drop = Boolean.TRUE.equals(Json.optionalBoolean(b, "drop"));
        boolean afterHandling = Boolean.TRUE.equals(Json.optionalBoolean(b, "after_handling"));
        boolean stall = Boolean.TRUE.equals(Json.optionalBoolean(b, "stall"));
        Long stallMs = Json.optionalLong(b, "stall_ms");
        Fault fault;
        try {
            if (stall) {
                fault = stallMs == null ? Fault.stall() : Fault.stall(Duration.ofMillis(stallMs));
            } else if (drop) {
                fault = afterHandling ? Fault.dropAfterHandling() : Fault.drop();
            } else if (delayMs != null) {
                fault = Fault.delay(Duration.ofMillis(delayMs));
            } else if (status != null && status == 429 && retryAfter != null) {
                fault = Fault.tooManyRequests(retryAfter.intValue());
            } else if (status != null) {
                fault = Fault.status(status.intValue());
            } else {
                throw HttpError.badRequest("a fault needs one of: status, delay_ms, drop, stall");
            }
            emu.faults().arm(method, path, count == null ? 1 : count.intValue(), fault);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fault", fault.toString());
        m.put("method", method);
        m.put("path", path);
        m.put("count", count == null ? 1 : count);
        return Response.created(m);
    }

    private Response settings(ObjectNode b) {
        Long ttl = Json.optionalLong(b, "token_ttl_seconds");
        Long cap = Json.optionalLong(b, "page_cap");
        try {
            if (ttl != null) {
                state.tokenTtl(Duration.ofSeconds(ttl));
            }
            if (cap != null) {
                state.pageCap(cap.intValue());
            }
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return Response.ok(state.summary());
    }

    static final List<String> ENDPOINTS = List.of(
            "POST   /admin/api-keys                          -> {api_key}",
            "POST   /admin/users                             -> {user_id, memory_key, encryption_key, key_version}",
            "GET    /admin/users",
            "POST   /admin/users/{userId}/rotate-key         -> {user_id, key_version}",
            "POST   /admin/users/{userId}/blobs              body {content (plaintext), title, summary, tags, importance, confidence, source}",
            "POST   /admin/users/{userId}/oauth-codes        body {client_id, client_secret, redirect_uri} -> {code}",
            "GET    /admin/access-requests",
            "POST   /admin/access-requests/{id}/approve|reject|revoke",
            "POST   /admin/faults                            body {method, path, count, status, retry_after, delay_ms, drop, after_handling, stall, stall_ms}",
            "DELETE /admin/faults",
            "POST   /admin/tokens/expire",
            "POST   /admin/settings                          body {token_ttl_seconds, page_cap}",
            "GET    /admin/state");
}
