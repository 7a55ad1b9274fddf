/**
 * The Memoram API client ({@link io.memoram.connect.client.MemoramClient}); the records it reads and
 * writes live in {@code client.model}.
 *
 * <h2>Failure handling (docs/memoram-api.md, "Errors and retries")</h2>
 * <ul>
 *   <li><b>Retried</b>: 408, 429, 5xx, timeouts, refused or dropped connections, as often as the
 *       call's {@link io.memoram.connect.client.RetryPolicy} allows ({@code STANDARD}: {@code maxRetries}
 *       retries after the first attempt; {@code NONE} and {@code CALLER_BACKS_OFF}: one attempt;
 *       {@code SHORT}: at most 3), chosen per call with {@code client.withRetry(policy)}. Waits: capped exponential backoff with jitter, retry n waits a random
 *       time in [b/2, b] with b = min(retryBackoff * 2^(n-1), retryBackoffMax); a {@code Retry-After}
 *       (seconds or HTTP date) wins when longer. A {@code Retry-After} beyond retryBackoffMax is not
 *       slept on: the call fails at once with {@code MemoramUnavailableException.retryAfter()} set.</li>
 *   <li><b>Not retried</b>: 400/413/414/415/422 → {@code MemoramBadRequestException}, 403 →
 *       {@code MemoramAccessDeniedException}, 404/410 → {@code MemoramNotFoundException} (a DELETE
 *       returns false), other 3xx/4xx → {@code MemoramException}, TLS handshake failures (an untrusted
 *       certificate does not heal) → {@code MemoramException}.</li>
 *   <li><b>401</b>: the JWT is dropped, renewed once (shared by all threads that saw the same token
 *       refused) and the call re-sent; a second 401 → {@code MemoramAuthenticationException}. The API
 *       key refused by {@code POST /auth/token} (400/401/403) → the same exception.</li>
 *   <li><b>Circuit breaker</b> (Resilience4j, API host only): opens after
 *       {@code circuitBreakerFailureThreshold} consecutive retriable failures (each attempt counts;
 *       permanent statuses count as the server being alive), stays open for
 *       {@code circuitBreakerOpenDuration} during which calls fail without a request with
 *       {@code MemoramUnavailableException.retryAfter()} = the remaining time, then lets one probe
 *       through. Threshold 0 disables it.</li>
 *   <li><b>Rate limit</b> ({@code rateLimitPerSecond > 0}): one permit every 1/rate seconds for all
 *       calls of the client and its views, token calls included.</li>
 *   <li><b>Deadline</b>: each attempt gets {@code requestTimeout} for the whole exchange, body
 *       included; a peer that goes silent mid-body is given up on (a retriable failure, status 0).</li>
 *   <li><b>Body cap</b>: a page of blobs accepts 1 MiB plus 1.5 MiB per blob asked for, every other
 *       response 16 MiB, never more than {@code responseBufferMaxBytes}; a longer (or endless) body
 *       fails the call, unretried, without being kept.</li>
 *   <li><b>Response budget</b>: the bodies of all calls in flight together hold at most
 *       {@code responseBufferMaxBytes}; a body that would pass it fails its attempt (retriable) and
 *       returns what it reserved.</li>
 *   <li><b>Tokens</b> that cannot travel in a header (CR/LF, controls, spaces, non-ASCII) are refused
 *       when they arrive, never cached or quoted.</li>
 *   <li><b>close()</b> frees every thread: backoff and rate-limit waits, exchanges in flight and
 *       callers waiting for a token renewal end at once with {@code MemoramUnavailableException}.
 *       A call refused before its request went out says "not sent"; one cancelled in flight says
 *       it may have reached the server. No exchange goes on after close() returned.</li>
 *   <li><b>Durations</b> above {@code MemoramClientConfig.MAX_DURATION} count as that; deadline
 *       arithmetic saturates instead of overflowing.</li>
 * </ul>
 * Exception messages name the call as a path template, the status and the server's diagnostic text
 * (JSON {@code error}/{@code message} when present), truncated to about 300 characters and scrubbed
 * of the API key, the JWT, the memory key and content sent, and anything shaped like a Memoram key or
 * a JWT. Traffic is reported to a {@link io.memoram.connect.client.RequestListener};
 * {@link io.memoram.connect.client.ClientMetrics} counts it for JMX.
 */
package io.memoram.connect.client;
