package io.memoram.connect.client;

import io.memoram.connect.util.Saturating;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One HTTP exchange with a deadline that covers all of it, body included, and a cap on the body.
 *
 * <p>{@code HttpRequest.timeout} alone ends only the wait for the response headers: a peer that sends
 * headers and half a body and then goes silent would hold the calling thread forever. So the call
 * waits on the response future for at most the deadline, then aborts the body (which closes the
 * connection) and cancels the exchange. The body is collected by a {@link Bounded} subscriber that
 * gives up as soon as more than the cap arrives (or a larger {@code Content-Length} is announced), so
 * a huge or endless body never fills the heap. Exchanges in flight are tracked so that
 * {@link #cancelAll()} frees every waiting thread when the client closes.
 */
final class Exchange {
    /** The body was longer than the call accepts; not retriable, the same request would get the same body. */
    static final class BodyTooLargeException extends IOException {
        final long cap;

        BodyTooLargeException(long cap) {
            super("response body larger than " + cap + " bytes", null);
            this.cap = cap;
        }
    }

    /** The client was closed while the exchange was in flight: the request may have reached the server. */
    static class ClosedException extends IOException {
        ClosedException() {
            this("the Memoram client was closed while the request was in flight; it may have reached the server");
        }

        ClosedException(String message) {
            super(message, null);
        }
    }

    /** The client was closed before the request was handed to the HTTP client: it was certainly not sent. */
    static final class NotSentException extends ClosedException {
        NotSentException() {
            super("not sent: the Memoram client was closed");
        }
    }

    private final HttpClient http;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock handOver = new ReentrantReadWriteLock();
    private volatile boolean closed;

    Exchange(HttpClient http) {
        this.http = http;
    }

    /**
     * Sends {@code request} and returns the complete response within {@code deadline}.
     *
     * @throws HttpTimeoutException   no complete response within the deadline
     * @throws BodyTooLargeException  the body exceeded {@code maxBodyBytes}
     * @throws NotSentException      {@link #cancelAll()} ran before: nothing was sent
     * @throws ClosedException        {@link #cancelAll()} ran while the exchange was in flight: it may have reached the server
     * @throws IOException            any other failure of the exchange
     */
    HttpResponse<byte[]> send(HttpRequest request, Duration deadline, long maxBodyBytes)
            throws IOException, InterruptedException {
        Bounded[] body = new Bounded[1];
        CompletableFuture<HttpResponse<byte[]>> future;
        // The closed check, the hand-over and the registration happen under the read lock and
        // cancelAll() sets closed under the write lock: a send either sees closed (and sends nothing)
        // or is registered before cancelAll() looks, so no exchange goes on after cancelAll() returned.
        handOver.readLock().lock();
        try {
            if (closed) {
                throw new NotSentException();
            }
            future = http.sendAsync(request, info -> {
                Bounded b = new Bounded(maxBodyBytes, info.headers().firstValueAsLong("Content-Length").orElse(-1));
                body[0] = b;
                return b;
            });
            inFlight.add(future);
        } finally {
            handOver.readLock().unlock();
        }
        try {
            return future.get(Saturating.toNanos(deadline), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            HttpTimeoutException timeout = new HttpTimeoutException("no complete response within "
                    + Saturating.toMillis(deadline) + " ms");
            abort(future, body[0], timeout);
            throw timeout;
        } catch (InterruptedException e) {
            abort(future, body[0], new IOException("interrupted"));
            throw e;
        } catch (CancellationException e) {
            throw new ClosedException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (closed) {
                throw new ClosedException();
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause == null ? "exchange failed" : cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        } finally {
            inFlight.remove(future);
        }
    }

    /** Ends every exchange in flight: their callers get a {@link ClosedException} at once. */
    void cancelAll() {
        handOver.writeLock().lock();
        try {
            closed = true;
        } finally {
            handOver.writeLock().unlock();
        }
        for (CompletableFuture<?> f : inFlight) {
            f.cancel(true);
        }
    }

    private static void abort(CompletableFuture<?> future, Bounded body, IOException why) {
        if (body != null) {
            body.abort(why); // cancels the subscription: the JDK client closes the connection
        }
        future.cancel(true);
    }

    /** Collects the body up to a cap; gives up (and cancels the subscription) beyond it. */
    static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
        private final long cap;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final List<ByteBuffer> parts = new ArrayList<>();
        private long size;
        private volatile Flow.Subscription subscription;

        Bounded(long cap, long announcedLength) {
            this.cap = cap;
            if (announcedLength > cap) {
                result.completeExceptionally(new BodyTooLargeException(cap));
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                size += b.remaining();
                if (size > cap) {
                    abort(new BodyTooLargeException(cap));
                    return;
                }
                parts.add(b);
            }
        }

        @Override
        public void onError(Throwable t) {
            parts.clear();
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            byte[] bytes = new byte[(int) size];
            int at = 0;
            for (ByteBuffer b : parts) {
                int n = b.remaining();
                b.get(bytes, at, n);
                at += n;
            }
            parts.clear();
            result.complete(bytes);
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        void abort(IOException why) {
            if (result.completeExceptionally(why)) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
            }
        }
    }
}
