/**
 * The Memoram emulator: an in-memory Memoram service on a real HTTP socket (JDK HttpServer, Jackson),
 * test scope only and never shipped. Used by the project's tests (through {@link
 * io.memoram.connect.emulator.MemoramEmulator}), by the demo and by users trying the connector
 * ({@code mvn -Pemulator}, see {@link io.memoram.connect.emulator.MemoramEmulatorMain}).
 *
 * <p>Three areas on one port:
 * <ul>
 *   <li>{@code /api/v1} – the Memoram API as docs/memoram-api.md describes it, decisions included.
 *       Every call but {@code POST /auth/token} needs a bearer token (401 otherwise); blob and tag calls
 *       need an approved access request of the calling developer for the user (403 otherwise), and writes
 *       the user's memoryKey; unknown ids are 404; bad bodies 400 (importance/confidence outside 0..1: 422);
 *       every error has a JSON {@code {"error": "..."}} body that never echoes a secret.</li>
 *   <li>{@code /oauth/token} – the authorization-code exchange (codes minted by
 *       {@code createAuthorizationCode} or {@code POST /admin/users/{id}/oauth-codes}).</li>
 *   <li>{@code /admin} – the user dashboard's acts plus test controls (approve/reject/revoke, rotate keys,
 *       seed blobs, faults, settings, state). <b>No authentication: for local use only.</b> The emulator binds
 *       127.0.0.1 unless told otherwise. {@code GET /admin} lists the endpoints.</li>
 * </ul>
 *
 * <p>Listing: id order, cursor = base64url of the last id returned, so pages stay consistent while blobs
 * are inserted and deleted; page size = min(limit (default 10), page cap (default 50)). Ids are random
 * cuid-like strings, so id order is not creation order: nothing may rely on result order. Timestamps are
 * microsecond ISO-8601 with Z, strictly increasing across the whole emulator.
 *
 * <p>Faults ({@link io.memoram.connect.emulator.Fault}) apply to /api/v1 and /oauth/token requests only,
 * never to /admin. Note that the JDK HttpClient (seen on 17) silently retries a GET once when the connection
 * is closed without a response, so a single {@code drop()} on a GET is invisible to such a client (the
 * request counter shows both attempts); arm 2 drops, or drop a POST/PATCH, when a test must see the failure.
 */
package io.memoram.connect.emulator;
