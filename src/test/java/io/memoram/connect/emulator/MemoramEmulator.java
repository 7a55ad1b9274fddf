package io.memoram.connect.emulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-memory Memoram service on a real socket, for tests, the demo and local experiments.
 * The API (docs/memoram-api.md, decisions included) is served under {@link #baseUrl()}, the OAuth code
 * exchange at {@link #oauthTokenUrl()}, and the dashboard's acts (approve, revoke, rotate, faults...) under
 * {@link #adminUrl()}, which has no authentication and is for local use only.
 *
 * <pre>
 * try (MemoramEmulator emu = MemoramEmulator.start()) {
 *     String apiKey = emu.createApiKey();
 *     EmulatedUser u = emu.createUser();
 *     String requestId = emu.grantAccess(apiKey, u);
 *     emu.putBlob(u.userId(), "plaintext", "title", List.of("tag"));
 * }
 * </pre>
 *
 * <p>In a test class, {@code @RegisterExtension static final MemoramEmulator emu = MemoramEmulator.start();}
 * starts one for the class, clears its injected faults after each test and closes it after all its tests.
 */
public final class MemoramEmulator implements AutoCloseable, AfterAllCallback, AfterEachCallback {
    public static final String DEFAULT_HOST = "127.0.0.1";
    private static final AtomicInteger SERVER_COUNT = new AtomicInteger();

    static {
        // The JDK server writes headers and body separately; with Nagle's algorithm and the client's delayed
        // ACKs every response would take ~40 ms. Read once by the JDK server's config, hence set this early.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final EmulatorState state = new EmulatorState();
    private final FaultInjector faults = new FaultInjector();
    private final RequestLog requestLog = new RequestLog();
    private final HttpServer server;
    private final HttpRouter router;
    private final ExecutorService executor;
    private final String root;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private MemoramEmulator(String host, int port) {
        this(host, port, null);
    }

    /** @param tls when not null, served over HTTPS with this context's key and certificate */
    private MemoramEmulator(String host, int port, javax.net.ssl.SSLContext tls) {
        int n = SERVER_COUNT.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        // Cached pool: a delay fault parks a thread, and must not starve the requests behind it.
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "memoram-emulator-" + n + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            if (tls == null) {
                this.server = HttpServer.create(new InetSocketAddress(host, port), 128);
            } else {
                com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress(host, port), 128);
                https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
                this.server = https;
            }
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot bind the Memoram emulator to " + host + ":" + port, e);
        }
        this.router = new HttpRouter(new ApiHandler(state), new OAuthHandler(state),
                new AdminHandler(this, state), faults, requestLog);
        server.createContext("/", router);
        server.setExecutor(executor);
        server.start();
        this.root = (tls == null ? "http://" : "https://") + host + ":" + server.getAddress().getPort();
    }

    /** Starts on 127.0.0.1 and a free port. */
    public static MemoramEmulator start() {
        return start(0);
    }

    /** Starts on 127.0.0.1 and this port (0: a free one). */
    public static MemoramEmulator start(int port) {
        return start(DEFAULT_HOST, port);
    }

    /**
     * Starts on 127.0.0.1 and a free port, over HTTPS with {@code tls}'s key and certificate: every
     * address ({@link #baseUrl()} ...) is then https://. The test helpers of this emulator talk to its
     * admin interface with their own client, which must trust that certificate.
     */
    public static MemoramEmulator startHttps(javax.net.ssl.SSLContext tls) {
        return new MemoramEmulator(DEFAULT_HOST, 0, tls);
    }

    /** Starts on this host and port. Anything but loopback exposes the unauthenticated admin interface. */
    public static MemoramEmulator start(String host, int port) {
        return new MemoramEmulator(host, port);
    }

    // ---------------------------------------------------------------- addresses

    /** "http://127.0.0.1:&lt;port&gt;/api/v1". */
    public String baseUrl() {
        return root + HttpRouter.API_PREFIX;
    }

    /** "http://127.0.0.1:&lt;port&gt;/admin". */
    public String adminUrl() {
        return root + HttpRouter.ADMIN_PREFIX;
    }

    /** "http://127.0.0.1:&lt;port&gt;/oauth/token": the OAuth code exchange, outside /api/v1 as on the real service. */
    public String oauthTokenUrl() {
        return root + HttpRouter.OAUTH_PATH;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    // ---------------------------------------------------------------- developers, tokens, paging

    /** A new valid developer API key, "mem_" + 48 hex. */
    public String createApiKey() {
        return state.createApiKey();
    }

    /**
     * Revokes a developer API key, as deleting it in the dashboard does: POST /auth/token refuses it
     * and the JWTs issued to it answer 401 from now on.
     */
    public void revokeApiKey(String apiKey) {
        state.revokeApiKey(apiKey);
    }

    /** Lifetime of JWTs issued from now on (default 1 h); a client's shorter expires_in still wins. */
    public MemoramEmulator tokenTtl(Duration ttl) {
        state.tokenTtl(ttl);
        return this;
    }

    /** Every JWT this emulator ever issued, expired ones included: for tests that check tokens never leak. */
    public List<String> issuedTokens() {
        return state.everIssuedTokens();
    }

    /** Every JWT issued so far becomes invalid: the next call with one gets 401. */
    public void expireAllTokens() {
        state.expireAllTokens();
    }

    /**
     * Every API call (not the admin interface) answers after this delay, as a server that far away
     * would; calls overlap (each has its own thread), so a client with N calls in flight sees N at a
     * time. Zero (the default) turns it off.
     */
    public MemoramEmulator latency(Duration latency) {
        router.latency(latency);
        return this;
    }

    /** Server-side cap on the page size of GET /memory-blobs (default 50). */
    public MemoramEmulator pageCap(int cap) {
        state.pageCap(cap);
        return this;
    }

    /**
     * Caps how many items GET /access-requests returns while {@code total} still counts them all, as a
     * server that paged or truncated that list would (the API documents no paging for it). 0 (the
     * default) returns every request.
     */
    public MemoramEmulator accessRequestListCap(int cap) {
        state.accessRequestListCap(cap);
        return this;
    }

    // ---------------------------------------------------------------- users and access

    public EmulatedUser createUser() {
        return state.createUser();
    }

    /** A fresh snapshot of the user (current key and version). */
    public EmulatedUser user(String userId) {
        return state.user(userId);
    }

    public List<EmulatedUser> users() {
        return state.users();
    }

    /** Files a pending access request for the user by this developer (as POST /access-requests would). */
    public String requestAccess(String apiKey, EmulatedUser user) {
        return state.fileRequest(apiKey, user.memoryKey(), "Requested by a test").id();
    }

    /** Files a pending access request with this reason (as POST /access-requests would). @return the request id. */
    public String requestAccess(String apiKey, EmulatedUser user, String reason) {
        return state.fileRequest(apiKey, user.memoryKey(), reason).id();
    }

    /** Files a pending access request under an id of the test's choosing (ids are opaque to clients). @return the id. */
    public String requestAccessWithId(String apiKey, EmulatedUser user, String reason, String id) {
        return state.fileRequest(apiKey, user.memoryKey(), reason, id).id();
    }

    /** Files an access request for the user by this developer and approves it. @return the request id. */
    public String grantAccess(String apiKey, EmulatedUser user) {
        String id = requestAccess(apiKey, user);
        approve(id);
        return id;
    }

    public void approve(String requestId) {
        state.setStatus(requestId, EmulatedAccessRequest.APPROVED);
    }

    public void reject(String requestId) {
        state.setStatus(requestId, EmulatedAccessRequest.REJECTED);
    }

    public void revoke(String requestId) {
        state.setStatus(requestId, EmulatedAccessRequest.REVOKED);
    }

    /** The request leaves the developer account (deleted on the platform's side): no listing shows it any more. */
    public void deleteAccessRequest(String requestId) {
        state.deleteRequest(requestId);
    }

    public EmulatedAccessRequest accessRequest(String requestId) {
        return state.request(requestId);
    }

    public List<EmulatedAccessRequest> accessRequests() {
        return state.requests();
    }

    /** A new random key becomes current; older blobs stay sealed with the old key, which stays known. @return the new version. */
    /** A server bug for tests: the user's credentials carry an encryption key no cipher can use (2 bytes). */
    public void serveUnusableKey(String userId) {
        state.serveUnusableKey(userId);
    }

    public int rotateKey(String userId) {
        return state.rotateKey(userId);
    }

    /** A one-time OAuth authorization code for this user, redeemable at {@link #oauthTokenUrl()} with these client values. */
    public String createAuthorizationCode(String userId, String clientId, String clientSecret, String redirectUri) {
        return state.createAuthorizationCode(userId, clientId, clientSecret, redirectUri);
    }

    // ---------------------------------------------------------------- blobs and tags

    /** Seeds a blob whose content is sealed (AES-GCM, docs/memoram-api.md "Content encryption") with the user's current key. */
    public String putBlob(String userId, String plaintext, String title, List<String> tags) {
        return putBlob(userId, plaintext, title, null, tags, null, null, null);
    }

    public String putBlob(String userId, String plaintext, String title, String... tags) {
        return putBlob(userId, plaintext, title, Arrays.asList(tags));
    }

    /** Seeds a blob with every field; content sealed with the user's current key. */
    public String putBlob(String userId, String plaintext, String title, String summary, List<String> tags,
                          Double importance, Double confidence, String source) {
        String sealed = state.seal(userId, plaintext);
        return state.createBlob(userId, BlobChanges.seed(sealed, title, summary, tags, importance, confidence, source)).id();
    }

    /** Seeds a blob whose content is stored exactly as given (e.g. garbage no key opens). */
    public String putRawBlob(String userId, String rawContent, String title, List<String> tags) {
        return state.createBlob(userId, BlobChanges.seed(rawContent, title, null, tags, null, null, null)).id();
    }

    public String putRawBlob(String userId, String rawContent, String title, String... tags) {
        return putRawBlob(userId, rawContent, title, Arrays.asList(tags));
    }

    /** Re-seals new content with the user's current key; moves updated_at. */
    public StoredBlob updateBlob(String userId, String blobId, String newPlaintext) {
        return state.patchBlob(userId, blobId, new BlobChanges().set(BlobChanges.CONTENT, state.seal(userId, newPlaintext)));
    }

    /** Replaces the blob's tags (creating unknown ones); moves updated_at. */
    public StoredBlob retagBlob(String userId, String blobId, List<String> tags) {
        return state.patchBlob(userId, blobId, new BlobChanges().set(BlobChanges.TAGS, tags));
    }

    /** @return whether the blob existed. */
    public boolean deleteBlob(String userId, String blobId) {
        return state.deleteBlob(userId, blobId);
    }

    /**
     * Removes a tag from the user's tag list (as the user's dashboard may; the API has no call for it).
     * @return whether the tag existed.
     */
    public boolean deleteTag(String userId, String name) {
        return state.deleteTag(userId, name);
    }

    /** null if absent. */
    public StoredBlob blob(String userId, String blobId) {
        return state.blob(userId, blobId);
    }

    public List<StoredBlob> blobs(String userId) {
        return state.blobs(userId);
    }

    /** Seals plaintext with the user's current key, as a client following docs/memoram-api.md ("Content encryption") would. */
    public String seal(String userId, String plaintext) {
        return state.seal(userId, plaintext);
    }

    /** Opens content sealed with any of the user's key versions; IllegalArgumentException if none does. */
    public String decrypt(String userId, String sealedContent) {
        return state.decrypt(userId, sealedContent);
    }

    public List<StoredTag> tags(String userId) {
        return state.tags(userId);
    }

    /** Changes a tag as its user would in the app (no API endpoint does); moves updated_at. */
    public StoredTag editTag(String userId, String tagId, String description, String color) {
        return state.editTag(userId, tagId, description, color);
    }

    // ---------------------------------------------------------------- faults and request log

    public FaultInjector faults() {
        return faults;
    }

    /**
     * API requests received (faulted ones included) for this method (null: any) and path prefix relative
     * to /api/v1 (null: any), e.g. ("GET", "/memory-blobs"). The OAuth exchange counts as "/oauth/token".
     */
    public int requestCount(String method, String pathPrefix) {
        return requestLog.count(method, pathPrefix);
    }

    /**
     * Like {@link #requestCount(String, String)}, for the requests naming this user in their
     * {@code user_id} query parameter (e.g. the listings of one user's blobs).
     */
    public int requestCount(String method, String pathPrefix, String userId) {
        return (int) requestLog.entries().stream()
                .filter(e -> (method == null || method.equalsIgnoreCase(e.method()))
                        && (pathPrefix == null || e.path().startsWith(pathPrefix))
                        && userId.equals(e.userId())).count();
    }

    /** When each API request for this method (null: any) and path prefix (null: any) arrived, in order. */
    public List<Instant> requestTimes(String method, String pathPrefix) {
        return requestLog.entries().stream()
                .filter(e -> (method == null || method.equalsIgnoreCase(e.method()))
                        && (pathPrefix == null || e.path().startsWith(pathPrefix)))
                .map(RequestLog.Entry::receivedAt).toList();
    }

    public void resetRequestCounts() {
        requestLog.clear();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * As a JUnit extension: clears the injected faults after each test, passed or failed, so that
     * faults a failed test did not consume do not hit the next one.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        faults().clear();
    }

    /** As a JUnit extension on a static field: closes the emulator after the class's tests. */
    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public String toString() {
        return "MemoramEmulator[" + root + "]";
    }
}
