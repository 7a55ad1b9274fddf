package io.memoram.connect.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The public API under /api/v1 (as docs/memoram-api.md describes it, decisions included). */
final class ApiHandler {
    static final int DEFAULT_LIMIT = 10;
    static final int MAX_REASON_LENGTH = 255;
    private static final String CURSOR_PREFIX = "v1:";

    private final EmulatorState state;

    ApiHandler(EmulatorState state) {
        this.state = state;
    }

    Response handle(Request r) {
        if (r.path().equals("/auth/token")) {
            requireMethod(r, "POST");
            return token(r);
        }
        String apiKey = authenticate(r);
        String[] seg = segments(r.path());
        switch (seg.length == 0 ? "" : seg[0]) {
            case "access-requests":
                return accessRequests(r, apiKey, seg);
            case "memory-blobs":
                return memoryBlobs(r, apiKey, seg);
            case "tags":
                return tags(r, apiKey, seg);
            default:
                throw HttpError.notFound("no endpoint " + r.path());
        }
    }

    // ------------------------------------------------------------------ auth

    private Response token(Request r) {
        ObjectNode body = Json.parseObject(r.body());
        String apiKey = Json.requiredString(body, "api_key");
        Long expiresIn = Json.optionalLong(body, "expires_in");
        if (expiresIn != null && expiresIn <= 0) {
            throw HttpError.badRequest("expires_in must be a positive number of seconds");
        }
        EmulatorState.IssuedToken t = state.issueToken(apiKey, expiresIn);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("token", t.token());
        m.put("expires_at", t.expiresAt().toString());
        m.put("token_type", "Bearer");
        return Response.ok(m);
    }

    private String authenticate(Request r) {
        String h = r.header("Authorization");
        if (h == null || h.isBlank()) {
            throw HttpError.unauthorized("missing Authorization: Bearer token");
        }
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw HttpError.unauthorized("Authorization must use the Bearer scheme");
        }
        return state.authenticate(h.substring(7).trim());
    }

    // ------------------------------------------------------------------ access requests

    private Response accessRequests(Request r, String apiKey, String[] seg) {
        if (seg.length == 1) {
            if (r.method().equals("POST")) {
                ObjectNode body = Json.parseObject(r.body());
                String memoryKey = Json.requiredString(body, "memoryKey");
                String reason = Json.requiredString(body, "reason");
                if (reason.isBlank()) {
                    throw HttpError.badRequest("reason must not be blank");
                }
                if (reason.length() > MAX_REASON_LENGTH) {
                    throw HttpError.badRequest("reason must be at most " + MAX_REASON_LENGTH + " characters");
                }
                return Response.created(Json.accessRequest(state.fileRequest(apiKey, memoryKey, reason)));
            }
            requireMethod(r, "GET");
            List<Map<String, Object>> items = state.requestsOf(apiKey).stream().map(Json::accessRequest).toList();
            int cap = state.accessRequestListCap();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("items", cap > 0 && items.size() > cap ? items.subList(0, cap) : items);
            m.put("total", items.size());
            return Response.ok(m);
        }
        requireMethod(r, "GET");
        if (seg.length == 2) {
            return Response.ok(Json.accessRequest(state.requestOf(apiKey, seg[1])));
        }
        if (seg.length == 3 && seg[2].equals("credentials")) {
            return Response.ok(Json.credentials(state.credentials(apiKey, seg[1])));
        }
        throw HttpError.notFound("no endpoint " + r.path());
    }

    // ------------------------------------------------------------------ memory blobs

    private Response memoryBlobs(Request r, String apiKey, String[] seg) {
        if (seg.length == 1) {
            if (r.method().equals("POST")) {
                return createBlob(r, apiKey);
            }
            requireMethod(r, "GET");
            return listBlobs(r, apiKey);
        }
        if (seg.length != 2) {
            throw HttpError.notFound("no endpoint " + r.path());
        }
        String blobId = seg[1];
        switch (r.method()) {
            case "GET": {
                String userId = r.requiredParam("user_id");
                state.checkRead(apiKey, userId);
                StoredBlob b = state.blob(userId, blobId);
                if (b == null) {
                    throw HttpError.notFound("unknown memory blob " + blobId);
                }
                return Response.ok(Json.blob(b, true));
            }
            case "PATCH":
                return patchBlob(r, apiKey, blobId);
            case "DELETE": {
                String userId = r.requiredParam("user_id");
                state.checkRead(apiKey, userId);
                if (!state.deleteBlob(userId, blobId)) {
                    throw HttpError.notFound("unknown memory blob " + blobId);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", blobId);
                m.put("deleted", true);
                return Response.ok(m);
            }
            default:
                throw new HttpError(405, "method " + r.method() + " not allowed on " + r.path());
        }
    }

    private Response listBlobs(Request r, String apiKey) {
        String userId = r.requiredParam("user_id");
        int limit = DEFAULT_LIMIT;
        if (r.param("limit") != null) {
            try {
                limit = Integer.parseInt(r.param("limit").trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("limit must be an integer");
            }
            if (limit < 1) {
                throw HttpError.badRequest("limit must be >= 1");
            }
        }
        Double minImportance = null;
        if (r.param("importance") != null) {
            try {
                minImportance = Double.parseDouble(r.param("importance").trim());
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("importance must be a number");
            }
            if (!(minImportance >= 0.0 && minImportance <= 1.0)) {
                throw HttpError.badRequest("importance must be between 0 and 1");
            }
        }
        List<String> tags = r.param("tags") == null ? List.of()
                : Arrays.stream(r.param("tags").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String after = decodeCursor(r.param("cursor"));
        state.checkRead(apiKey, userId);
        EmulatorState.Page page = state.listBlobs(userId, new BlobFilter(tags, r.param("searchQuery"), minImportance),
                limit, after);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("memoryBlobs", page.items().stream().map(b -> Json.blob(b, true)).toList());
        m.put("next_cursor", page.lastId() == null ? null : encodeCursor(page.lastId()));
        return Response.ok(m);
    }

    private Response createBlob(Request r, String apiKey) {
        ObjectNode body = Json.parseObject(r.body());
        String userId = Json.requiredString(body, "user_id");
        String memoryKey = Json.requiredString(body, "memoryKey");
        state.checkWrite(apiKey, userId, memoryKey);
        Json.requiredString(body, BlobChanges.CONTENT);
        BlobChanges changes = Json.blobFields(body, new BlobChanges());
        return Response.created(Json.blob(state.createBlob(userId, changes), false));
    }

    private Response patchBlob(Request r, String apiKey, String blobId) {
        ObjectNode body = Json.parseObject(r.body());
        String userId = Json.requiredString(body, "user_id");
        String memoryKey = Json.requiredString(body, "memoryKey");
        state.checkWrite(apiKey, userId, memoryKey);
        BlobChanges changes = Json.blobFields(body, new BlobChanges());
        if (changes.has(BlobChanges.CONTENT) && changes.string(BlobChanges.CONTENT, null) == null) {
            throw HttpError.badRequest("content must not be null");
        }
        return Response.ok(Json.blob(state.patchBlob(userId, blobId, changes), false));
    }

    static String encodeCursor(String lastId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + lastId).getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (s.startsWith(CURSOR_PREFIX) && s.length() > CURSOR_PREFIX.length()) {
                return s.substring(CURSOR_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // falls through to the 400 below
        }
        throw HttpError.badRequest("cursor is not valid");
    }

    // ------------------------------------------------------------------ tags

    private Response tags(Request r, String apiKey, String[] seg) {
        requireMethod(r, "GET");
        String userId = r.requiredParam("user_id");
        state.checkRead(apiKey, userId);
        if (seg.length == 1) {
            return Response.ok(Map.of("items", state.tags(userId).stream().map(Json::tag).toList()));
        }
        if (seg.length == 2) {
            return Response.ok(Json.tag(state.tag(userId, seg[1])));
        }
        throw HttpError.notFound("no endpoint " + r.path());
    }

    // ------------------------------------------------------------------ helpers

    static void requireMethod(Request r, String method) {
        if (!r.method().equals(method)) {
            throw new HttpError(405, "method " + r.method() + " not allowed on " + r.path());
        }
    }

    /** "/a/b/" -> ["a", "b"]. */
    static String[] segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
