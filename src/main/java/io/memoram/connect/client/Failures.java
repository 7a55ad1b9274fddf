package io.memoram.connect.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns what went wrong in a call into the typed exception its caller sees, with a message that names
 * the call, the status and the server's diagnostic text, scrubbed of every secret of the call.
 */
final class Failures {
    /** Named in messages; the setting lives in the config package, the client only knows its value. */
    static final String BUFFER_SETTING = "memoram.http.response.buffer.max.bytes";
    private final ObjectMapper mapper;
    private final Secret apiKey;
    private final Supplier<String> cachedToken;
    private final Duration maxBackoff;

    Failures(ObjectMapper mapper, Secret apiKey, Supplier<String> cachedToken, Duration maxBackoff) {
        this.mapper = mapper;
        this.apiKey = apiKey;
        this.cachedToken = cachedToken;
        this.maxBackoff = maxBackoff;
    }

    /** Retries used up (or given up on): the last failure, with why no further attempt was made. */
    MemoramUnavailableException exhausted(RetriableFailure f, long attempts, boolean closed) {
        StringBuilder msg = new StringBuilder(f.getMessage());
        if (closed) {
            msg.append(" (the client was closed)");
        } else if (Thread.currentThread().isInterrupted()) {
            msg.append(" (interrupted while waiting to retry)");
        } else if (attempts > 1) {
            msg.append(" (gave up after ").append(attempts).append(" attempts)");
        }
        if (f.retryAfter() != null && f.retryAfter().compareTo(maxBackoff) > 0) {
            msg.append(" (the server asks to wait ").append(f.retryAfter().toSeconds())
                    .append(" s, longer than the maximum backoff)");
        }
        return new MemoramUnavailableException(f.call(), f.status(), msg.toString(), f.retryAfter(), f.getCause());
    }

    /** A status that trying again will not change. */
    MemoramException permanent(ApiRequest request, HttpResponse<byte[]> response) {
        String call = request.call();
        int status = response.statusCode();
        String msg = ErrorText.httpFailure(call, status, response.body(), mapper, secretsOf(request, null));
        if (request.kind() == ApiRequest.Kind.AUTH && (status == 400 || status == 401 || status == 403)) {
            return new MemoramAuthenticationException(call, status, msg + " (the API key was refused)", null);
        }
        switch (status) {
            case 400: case 413: case 414: case 415: case 422:
                return new MemoramBadRequestException(call, status, msg, null);
            case 401:
                return new MemoramAuthenticationException(call, status, msg, null);
            case 403:
                return new MemoramAccessDeniedException(call, status, msg, null);
            case 404: case 410:
                return new MemoramNotFoundException(call, status, msg, null);
            default:
                if (status >= 300 && status < 400) {
                    msg += " (redirects are not followed: check the configured URL)";
                }
                return new MemoramException(call, status, msg, null);
        }
    }

    /** A retriable status, with the server's text and Retry-After. */
    RetriableFailure retriable(ApiRequest request, HttpResponse<byte[]> response, String token, Duration retryAfter) {
        return new RetriableFailure(request.call(), response.statusCode(), ErrorText.httpFailure(request.call(),
                response.statusCode(), response.body(), mapper, secretsOf(request, token)), retryAfter, null);
    }

    /** A second 401 in one attempt, after a fresh token. */
    MemoramAuthenticationException refusedAgain(ApiRequest request, HttpResponse<byte[]> response, String token) {
        return new MemoramAuthenticationException(request.call(), response.statusCode(),
                ErrorText.httpFailure(request.call(), response.statusCode(), response.body(), mapper,
                        secretsOf(request, token)) + " (again after obtaining a new token: check the API key)", null);
    }

    MemoramException unreadable(ApiRequest request, HttpResponse<byte[]> response, IOException e) {
        // Where the body broke, never Jackson's text: it quotes the offending token, which can be an
        // unquoted encryption_key of /credentials or a blob's content (plaintext encryption). No cause
        // attached either: Jackson exceptions carry parser state with fragments of the body.
        String detail = e instanceof JsonProcessingException j && j.getLocation() != null
                ? e.getClass().getSimpleName() + " at line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr()
                : e.getClass().getSimpleName();
        return new MemoramException(request.call(), response.statusCode(), request.call()
                + " returned a response that is not the expected JSON (" + response.body().length + " bytes): " + detail, null);
    }

    /** A body over the call's cap: not retried, the same request would get the same body. */
    MemoramException tooLarge(ApiRequest request, long cap) {
        String call = request.call();
        String hint = call.equals(ApiCall.LIST_BLOBS.toString())
                ? " (the cap is 1 MiB plus 1.5 MiB per blob asked for, at most " + BUFFER_SETTING
                        + "; lower memoram.page.size if the user's blobs are that large)"
                : " (at most " + BUFFER_SETTING + ")";
        return new MemoramException(call, 0, call + " failed: the response body is larger than " + cap
                + " bytes, the most this call accepts; stopped reading it" + hint, null);
    }

    /** The bodies of the calls in flight together would exceed the client's budget: retried as they end. */
    RetriableFailure budgetExhausted(ApiRequest request, long budget) {
        return new RetriableFailure(request.call(), 0, request.call() + " failed: the responses of the calls in flight"
                + " would hold more than " + budget + " bytes (" + BUFFER_SETTING + "); stopped reading this one",
                null, null);
    }

    /** No (complete) response: a refused or dropped connection, or the deadline passed. Retriable. */
    RetriableFailure noResponse(ApiRequest request, String token, IOException e) {
        return new RetriableFailure(request.call(), 0, request.call() + " failed: no response ("
                + ErrorText.safe(describe(e), secretsOf(request, token)) + ")", null, e);
    }

    /** An untrusted or mismatched certificate does not heal by retrying: reported at once. */
    MemoramException tlsRefused(ApiRequest request, String token, IOException e) {
        return new MemoramException(request.call(), 0, request.call() + " failed: TLS handshake with "
                + request.uri().getHost() + " failed (" + ErrorText.safe(describe(e), secretsOf(request, token))
                + "); check the URL and that the server's certificate is trusted (by this JVM, or by memoram.http.truststore.location when set)", e);
    }

    static boolean isTlsHandshakeFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }

    /** Everything that must not appear in a message about {@code request}. */
    private List<String> secretsOf(ApiRequest request, String token) {
        List<String> s = new ArrayList<>(request.secrets());
        s.add(apiKey.reveal());
        if (token != null) {
            s.add(token);
        }
        String cached = cachedToken.get();
        if (cached != null) {
            s.add(cached);
        }
        return s;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
