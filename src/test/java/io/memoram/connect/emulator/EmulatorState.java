package io.memoram.connect.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the emulator knows, in memory. Every method is synchronized on this object: the emulator
 * is for tests, where simple and obviously thread-safe beats fast. Methods throw {@link HttpError}
 * with the status the API answers with.
 */
final class EmulatorState {
    static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
    static final int DEFAULT_PAGE_CAP = 50;

    record IssuedToken(String token, String apiKey, Instant expiresAt) {
    }

    record Page(List<StoredBlob> items, String lastId) {
    }

    private record AuthCode(String userId, String clientId, String clientSecret, String redirectUri) {
    }

    private static final class UserData {
        final String userId;
        final String memoryKey;
        /** Index i holds key version i + 1; old versions stay so that old blobs can still be opened. */
        final List<byte[]> keys = new ArrayList<>();
        final TreeMap<String, StoredBlob> blobs = new TreeMap<>();
        final Map<String, StoredTag> tagsByName = new LinkedHashMap<>();

        UserData(String userId, String memoryKey) {
            this.userId = userId;
            this.memoryKey = memoryKey;
        }

        byte[] currentKey() {
            return keys.get(keys.size() - 1);
        }

        EmulatedUser snapshot() {
            return new EmulatedUser(userId, memoryKey, HexFormat.of().formatHex(currentKey()), keys.size());
        }
    }

    private final MonotonicClock clock = new MonotonicClock();
    private final java.util.Set<String> unusableKeys = new java.util.HashSet<>();
    private final Map<String, String> connectorIdByApiKey = new LinkedHashMap<>();
    private final Map<String, IssuedToken> tokens = new HashMap<>();
    private final List<String> everIssued = new ArrayList<>();
    private final Map<String, UserData> users = new LinkedHashMap<>();
    private final Map<String, String> userIdByMemoryKey = new HashMap<>();
    private final Map<String, EmulatedAccessRequest> requests = new LinkedHashMap<>();
    private final Map<String, AuthCode> authCodes = new HashMap<>();
    private Duration tokenTtl = DEFAULT_TOKEN_TTL;
    private int pageCap = DEFAULT_PAGE_CAP;
    private int accessRequestListCap;

    // ---------------------------------------------------------------- developers and tokens

    synchronized String createApiKey() {
        String key = Ids.apiKey();
        connectorIdByApiKey.put(key, Ids.cuid());
        return key;
    }

    synchronized int apiKeyCount() {
        return connectorIdByApiKey.size();
    }

    /** @param expiresInSeconds what the client asked for (null: default); the server never exceeds its TTL. */
    synchronized IssuedToken issueToken(String apiKey, Long expiresInSeconds) {
        if (!connectorIdByApiKey.containsKey(apiKey)) {
            throw HttpError.badRequest("api_key is not a valid API key");
        }
        Duration ttl = tokenTtl;
        if (expiresInSeconds != null && Duration.ofSeconds(expiresInSeconds).compareTo(ttl) < 0) {
            ttl = Duration.ofSeconds(expiresInSeconds);
        }
        IssuedToken t = new IssuedToken(Ids.token(), apiKey, Instant.now().plus(ttl));
        tokens.put(t.token(), t);
        everIssued.add(t.token());
        return t;
    }

    /** Every JWT issued so far, expired ones included (tests check none leaks anywhere). */
    synchronized List<String> everIssuedTokens() {
        return List.copyOf(everIssued);
    }

    /** @return the API key of the developer the token was issued to. */
    synchronized String authenticate(String token) {
        IssuedToken t = tokens.get(token);
        if (t == null) {
            throw HttpError.unauthorized("invalid token");
        }
        if (!Instant.now().isBefore(t.expiresAt())) {
            throw HttpError.unauthorized("token expired");
        }
        return t.apiKey();
    }

    /** The developer deleted this API key: it no longer gets tokens, and the tokens issued to it stop working. */
    synchronized void revokeApiKey(String apiKey) {
        connectorIdByApiKey.remove(apiKey);
        tokens.values().removeIf(t -> t.apiKey().equals(apiKey));
    }

    synchronized void expireAllTokens() {
        tokens.clear();
    }

    synchronized void tokenTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("token TTL must be positive");
        }
        tokenTtl = ttl;
    }

    synchronized void pageCap(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("page cap must be >= 1, got " + cap);
        }
        pageCap = cap;
    }

    synchronized void accessRequestListCap(int cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("access request list cap must be >= 0, got " + cap);
        }
        accessRequestListCap = cap;
    }

    synchronized int accessRequestListCap() {
        return accessRequestListCap;
    }

    synchronized int pageCap() {
        return pageCap;
    }

    // ---------------------------------------------------------------- users and keys

    synchronized EmulatedUser createUser() {
        UserData u = new UserData(Ids.uuid(), Ids.memoryKey());
        u.keys.add(Ids.randomBytes(32));
        users.put(u.userId, u);
        userIdByMemoryKey.put(u.memoryKey, u.userId);
        return u.snapshot();
    }

    synchronized EmulatedUser user(String userId) {
        return userData(userId).snapshot();
    }

    synchronized List<EmulatedUser> users() {
        return users.values().stream().map(UserData::snapshot).toList();
    }

    synchronized int rotateKey(String userId) {
        UserData u = userData(userId);
        u.keys.add(Ids.randomBytes(32));
        return u.keys.size();
    }

    synchronized String seal(String userId, String plaintext) {
        return AesGcmSealer.seal(userData(userId).currentKey(), plaintext);
    }

    /** Opens content sealed with any of the user's key versions, newest first. */
    synchronized String decrypt(String userId, String content) {
        UserData u = userData(userId);
        for (int i = u.keys.size() - 1; i >= 0; i--) {
            String plain = AesGcmSealer.open(u.keys.get(i), content);
            if (plain != null) {
                return plain;
            }
        }
        throw new IllegalArgumentException("no key version of user " + userId + " opens this content");
    }

    private UserData userData(String userId) {
        UserData u = userId == null ? null : users.get(userId);
        if (u == null) {
            throw HttpError.notFound("unknown user " + userId);
        }
        return u;
    }

    // ---------------------------------------------------------------- access requests

    synchronized EmulatedAccessRequest fileRequest(String apiKey, String memoryKey, String reason) {
        return fileRequest(apiKey, memoryKey, reason, Ids.cuid());
    }

    /** With an id of the test's choosing: the API calls ids opaque, so a client must take any. */
    synchronized EmulatedAccessRequest fileRequest(String apiKey, String memoryKey, String reason, String id) {
        if (requests.containsKey(id)) {
            throw new IllegalArgumentException("access request " + id + " exists");
        }
        String connectorId = connectorIdByApiKey.get(apiKey);
        if (connectorId == null) {
            throw new IllegalArgumentException("unknown API key");
        }
        String userId = userIdByMemoryKey.get(memoryKey);
        if (userId == null) {
            throw HttpError.notFound("memoryKey does not belong to any user");
        }
        Instant now = clock.next();
        EmulatedAccessRequest r = new EmulatedAccessRequest(id, EmulatedAccessRequest.PENDING, reason,
                memoryKey, userId, apiKey, connectorId, now, now);
        requests.put(r.id(), r);
        return r;
    }

    synchronized EmulatedAccessRequest setStatus(String requestId, String status) {
        EmulatedAccessRequest r = request(requestId);
        EmulatedAccessRequest changed = r.withStatus(status, clock.next());
        requests.put(requestId, changed);
        return changed;
    }

    /** The request leaves the account: listings no longer show it, and its id is unknown from now on. */
    synchronized void deleteRequest(String requestId) {
        requests.remove(requestId);
    }

    synchronized EmulatedAccessRequest request(String requestId) {
        EmulatedAccessRequest r = requestId == null ? null : requests.get(requestId);
        if (r == null) {
            throw HttpError.notFound("unknown access request " + requestId);
        }
        return r;
    }

    synchronized List<EmulatedAccessRequest> requests() {
        return List.copyOf(requests.values());
    }

    /** A developer only sees its own requests: anyone else's is as unknown as a made-up id. */
    synchronized EmulatedAccessRequest requestOf(String apiKey, String requestId) {
        EmulatedAccessRequest r = requests.get(requestId);
        if (r == null || !r.apiKey().equals(apiKey)) {
            throw HttpError.notFound("unknown access request " + requestId);
        }
        return r;
    }

    synchronized List<EmulatedAccessRequest> requestsOf(String apiKey) {
        return requests.values().stream().filter(r -> r.apiKey().equals(apiKey)).toList();
    }

    synchronized EmulatedUser credentials(String apiKey, String requestId) {
        EmulatedAccessRequest r = requestOf(apiKey, requestId);
        if (!EmulatedAccessRequest.APPROVED.equals(r.status())) {
            throw HttpError.forbidden("access request " + requestId + " is " + r.status() + ", not approved");
        }
        EmulatedUser u = userData(r.userId()).snapshot();
        return unusableKeys.contains(u.userId()) ? new EmulatedUser(u.userId(), u.memoryKey(), "00ff", u.keyVersion()) : u;
    }

    /** From now on /credentials of this user's requests answer a 2-byte encryption key, which no AES key can be. */
    synchronized void serveUnusableKey(String userId) {
        userData(userId);
        unusableKeys.add(userId);
    }

    /** Reads need an approved request of this developer for this user. */
    synchronized void checkRead(String apiKey, String userId) {
        boolean approved = requests.values().stream().anyMatch(r -> r.apiKey().equals(apiKey)
                && r.userId().equals(userId) && EmulatedAccessRequest.APPROVED.equals(r.status()));
        if (!approved) {
            throw HttpError.forbidden("no approved access request for user " + userId);
        }
    }

    /** Writes also need the user's memory key. */
    synchronized void checkWrite(String apiKey, String userId, String memoryKey) {
        checkRead(apiKey, userId);
        if (!userData(userId).memoryKey.equals(memoryKey)) {
            throw HttpError.forbidden("memoryKey does not match user " + userId);
        }
    }

    // ---------------------------------------------------------------- blobs and tags

    synchronized StoredBlob createBlob(String userId, BlobChanges c) {
        UserData u = userData(userId);
        String id = Ids.cuid();
        Instant now = clock.next();
        List<String> tags = normalizeTags(c.tags(List.of()));
        StoredBlob b = new StoredBlob(id, userId, c.string(BlobChanges.CONTENT, null), c.string(BlobChanges.TITLE, null),
                c.string(BlobChanges.SUMMARY, null), tags, tagIds(u, tags, now),
                c.number(BlobChanges.IMPORTANCE, null), c.number(BlobChanges.CONFIDENCE, null),
                c.string(BlobChanges.SOURCE, null), now, now);
        u.blobs.put(id, b);
        return b;
    }

    synchronized StoredBlob patchBlob(String userId, String blobId, BlobChanges c) {
        UserData u = userData(userId);
        StoredBlob old = u.blobs.get(blobId);
        if (old == null) {
            throw HttpError.notFound("unknown memory blob " + blobId);
        }
        Instant now = clock.next();
        List<String> tags = normalizeTags(c.tags(old.tags()));
        StoredBlob b = new StoredBlob(blobId, userId, c.string(BlobChanges.CONTENT, old.content()),
                c.string(BlobChanges.TITLE, old.title()), c.string(BlobChanges.SUMMARY, old.summary()), tags,
                tagIds(u, tags, now), c.number(BlobChanges.IMPORTANCE, old.importance()),
                c.number(BlobChanges.CONFIDENCE, old.confidence()), c.string(BlobChanges.SOURCE, old.source()),
                old.createdAt(), now);
        u.blobs.put(blobId, b);
        return b;
    }

    synchronized StoredBlob blob(String userId, String blobId) {
        return userData(userId).blobs.get(blobId);
    }

    synchronized boolean deleteBlob(String userId, String blobId) {
        return userData(userId).blobs.remove(blobId) != null;
    }

    synchronized List<StoredBlob> blobs(String userId) {
        return List.copyOf(userData(userId).blobs.values());
    }

    synchronized int blobCount() {
        return users.values().stream().mapToInt(u -> u.blobs.size()).sum();
    }

    /**
     * One page in id order, strictly after {@code afterId} (null: from the start). Keyed on the id, so
     * inserts and deletes between pages never duplicate or skip the blobs that exist throughout.
     * {@code lastId} is null when nothing matching follows this page.
     */
    synchronized Page listBlobs(String userId, BlobFilter filter, int limit, String afterId) {
        UserData u = userData(userId);
        int size = Math.min(limit, pageCap);
        Map<String, StoredBlob> rest = afterId == null ? u.blobs : u.blobs.tailMap(afterId, false);
        List<StoredBlob> page = new ArrayList<>();
        boolean more = false;
        for (StoredBlob b : rest.values()) {
            if (!filter.matches(b)) {
                continue;
            }
            if (page.size() == size) {
                more = true;
                break;
            }
            page.add(b);
        }
        return new Page(page, more ? page.get(page.size() - 1).id() : null);
    }

    synchronized List<StoredTag> tags(String userId) {
        return List.copyOf(userData(userId).tagsByName.values());
    }

    /** Removes the tag of this name (the dashboard may; the API cannot); blobs keep their tag names. */
    synchronized boolean deleteTag(String userId, String name) {
        return userData(userId).tagsByName.remove(name) != null;
    }

    synchronized StoredTag tag(String userId, String tagId) {
        return userData(userId).tagsByName.values().stream().filter(t -> t.id().equals(tagId)).findFirst()
                .orElseThrow(() -> HttpError.notFound("unknown tag " + tagId));
    }

    /**
     * Changes a tag's description and color, as its user would in the Memoram app (the API has no
     * endpoint for it, but the source must still emit the change); moves updated_at.
     */
    synchronized StoredTag editTag(String userId, String tagId, String description, String color) {
        UserData u = userData(userId);
        StoredTag old = tag(userId, tagId);
        StoredTag t = new StoredTag(old.id(), old.name(), description, color, old.isEnabled(), old.createdAt(), clock.next());
        u.tagsByName.put(old.name(), t);
        return t;
    }

    private static List<String> normalizeTags(List<String> names) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String n : names) {
            String t = n.trim();
            if (t.isEmpty()) {
                throw HttpError.badRequest("tag names must not be blank");
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    /** Resolves names to tag ids, creating unknown tags (the API creates tags implicitly). */
    private static List<String> tagIds(UserData u, List<String> names, Instant now) {
        List<String> ids = new ArrayList<>();
        for (String name : names) {
            StoredTag t = u.tagsByName.computeIfAbsent(name, n -> new StoredTag(Ids.cuid(), n,
                    "Created by a memory write", String.format("#%06X", n.hashCode() & 0xFFFFFF), true, now, now));
            ids.add(t.id());
        }
        return ids;
    }

    // ---------------------------------------------------------------- OAuth

    synchronized String createAuthorizationCode(String userId, String clientId, String clientSecret, String redirectUri) {
        userData(userId);
        String code = Ids.base64Url(24);
        authCodes.put(code, new AuthCode(userId, clientId, clientSecret, redirectUri));
        return code;
    }

    /** Redeems a one-time code. @return the user's memory key. */
    synchronized String redeemAuthorizationCode(String code, String clientId, String clientSecret, String redirectUri) {
        AuthCode c = code == null ? null : authCodes.get(code);
        if (c == null) {
            throw new HttpError(400, "invalid_grant");
        }
        if (!c.clientId().equals(clientId) || !c.clientSecret().equals(clientSecret)) {
            throw new HttpError(401, "invalid_client");
        }
        if (!c.redirectUri().equals(redirectUri)) {
            throw new HttpError(400, "invalid_grant");
        }
        authCodes.remove(code);
        return userData(c.userId()).memoryKey;
    }

    // ---------------------------------------------------------------- summary

    synchronized Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("api_keys", connectorIdByApiKey.size());
        s.put("active_tokens", tokens.values().stream().filter(t -> Instant.now().isBefore(t.expiresAt())).count());
        s.put("token_ttl_seconds", tokenTtl.toSeconds());
        s.put("page_cap", pageCap);
        List<Map<String, Object>> us = new ArrayList<>();
        for (UserData u : users.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user_id", u.userId);
            m.put("key_version", u.keys.size());
            m.put("blobs", u.blobs.size());
            m.put("tags", u.tagsByName.size());
            us.add(m);
        }
        s.put("users", us);
        Map<String, Long> byStatus = new TreeMap<>();
        requests.values().forEach(r -> byStatus.merge(r.status(), 1L, Long::sum));
        s.put("access_requests", byStatus);
        return s;
    }
}
