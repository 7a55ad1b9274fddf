package io.memoram.connect.client;

/**
 * Base of every failure the client reports. The message names the call (for example
 * {@code "GET /memory-blobs"}), the HTTP status when there was one and the server's diagnostic
 * text, truncated. It never contains a secret (API key, token, memory key, encryption key) or
 * blob content.
 */
public class MemoramException extends RuntimeException {
    private final String call;
    private final int status;

    public MemoramException(String call, int status, String message, Throwable cause) {
        super(message, cause);
        this.call = call;
        this.status = status;
    }

    /** The call that failed, e.g. {@code "POST /memory-blobs"}. */
    public String call() {
        return call;
    }

    /** HTTP status, or 0 when no response was received (timeout, connection reset, circuit open). */
    public int status() {
        return status;
    }

    /** Whether trying the same call later may succeed (429, 5xx, I/O failures, an open circuit). */
    public boolean isRetriable() {
        return false;
    }
}
