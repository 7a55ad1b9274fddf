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
 * One HTTP exchange with a deadline that covers all of it, body included, and a cap on the body
 * within a budget shared by every exchange of the client ({@link ResponseBudget}).
 *
 * <p>{@code HttpRequest.timeout} alone ends only the wait for the response headers: a peer that sends
 * headers and half a body and then goes silent would hold the calling thread forever. So the call
 * waits on the response future for at most the deadline, then aborts the body (which closes the
 * connection) and cancels the exchange. The body is collected by a {@link Bounded} subscriber that
 * gives up as soon as more than the cap arrives (or a larger {@code Content-Length} is announced), or
 * when the bodies of all calls in flight together would hold more than the client's budget, so a huge
 * or endless body never fills the heap. A body's bytes stay reserved until its {@link Reply} is closed,
 * i.e. until the caller has read it. Exchanges in flight are tracked so that
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

    /**
     * The bodies of the calls in flight together would exceed the client's budget; retriable, as
     * the others end and return their share.
     */
    static final class BudgetExhaustedException extends IOException {
        final long budget;

        BudgetExhaustedException(long budget) {
            super("the responses in flight would hold more than " + budget + " bytes", null);
            this.budget = budget;
        }
    }

    /** A complete response; its body's bytes count against the budget until {@link #close()}. */
    static final class Reply implements AutoCloseable {
        private final HttpResponse<byte[]> response;
        private final Bounded body;

        Reply(HttpResponse<byte[]> response, Bounded body) {
            this.response = response;
            this.body = body;
        }

        HttpResponse<byte[]> response() {
            return response;
        }

        /** Returns the body's bytes to the budget; idempotent. */
        @Override
        public void close() {
            body.releaseAll();
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

    private final ResponseBudget budget;

    Exchange(HttpClient http, ResponseBudget budget) {
        this.http = http;
        this.budget = budget;
    }

    /**
     * Sends {@code request} and returns the complete response within {@code deadline}. The body may
     * have at most {@code maxBodyBytes} (and never more than the budget's total); the caller closes
     * the reply once it has read the body.
     *
     * @throws HttpTimeoutException   no complete response within the deadline
     * @throws BodyTooLargeException  the body exceeded {@code maxBodyBytes} or the budget's total
     * @throws BudgetExhaustedException the bodies in flight together would exceed the budget
     * @throws NotSentException      {@link #cancelAll()} ran before: nothing was sent
     * @throws ClosedException        {@link #cancelAll()} ran while the exchange was in flight: it may have reached the server
     * @throws IOException            any other failure of the exchange
     */
    Reply send(HttpRequest request, Duration deadline, long maxBodyBytes) throws IOException, InterruptedException {
        Bounded body = new Bounded(Math.min(maxBodyBytes, budget.total()), budget);
        CompletableFuture<HttpResponse<byte[]>> future;
        // The closed check, the hand-over and the registration happen under the read lock and
        // cancelAll() sets closed under the write lock: a send either sees closed (and sends nothing)
        // or is registered before cancelAll() looks, so no exchange goes on after cancelAll() returned.
        handOver.readLock().lock();
        try {
            if (closed) {
                throw new NotSentException();
            }
            future = http.sendAsync(request, info -> body.announced(
                    info.headers().firstValueAsLong("Content-Length").orElse(-1)));
            inFlight.add(future);
        } finally {
            handOver.readLock().unlock();
        }
        boolean complete = false;
        try {
            HttpResponse<byte[]> response = future.get(Saturating.toNanos(deadline), TimeUnit.NANOSECONDS);
            complete = true;
            return new Reply(response, body);
        } catch (TimeoutException e) {
            HttpTimeoutException timeout = new HttpTimeoutException("no complete response within "
                    + Saturating.toMillis(deadline) + " ms");
            abort(future, body, timeout);
            throw timeout;
        } catch (InterruptedException e) {
            abort(future, body, new IOException("interrupted"));
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
            if (!complete) {
                body.releaseAll(); // whatever arrived of a body nobody will read
            }
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
        body.abort(why); // cancels the subscription: the JDK client closes the connection
        future.cancel(true);
    }

    /**
     * Collects the body up to a cap, reserving each part's bytes in the budget as it arrives; gives up
     * (and cancels the subscription) beyond the cap or when the budget is spent. Synchronized: the
     * HTTP client's thread delivers the body while the caller's thread may abort or release it.
     */
    static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
        private final long cap;
        private final ResponseBudget budget;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final List<ByteBuffer> parts = new ArrayList<>();
        private long size;
        /** Bytes reserved in the budget; returned once, by {@link #releaseAll()}. */
        private long reserved;
        private boolean released;
        private Flow.Subscription subscription;

        Bounded(long cap, ResponseBudget budget) {
            this.cap = cap;
            this.budget = budget;
        }

        /** The response's headers arrived: a {@code Content-Length} over the cap fails it unread. */
        synchronized Bounded announced(long announcedLength) {
            if (announcedLength > cap) {
                result.completeExceptionally(new BodyTooLargeException(cap));
            }
            return this;
        }

        @Override
        public synchronized void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (n > cap - size) {
                    abort(new BodyTooLargeException(cap));
                    return;
                }
                if (released || !budget.tryReserve(n)) {
                    abort(new BudgetExhaustedException(budget.total()));
                    return;
                }
                reserved += n;
                size += n;
                parts.add(b);
            }
        }

        @Override
        public synchronized void onError(Throwable t) {
            parts.clear();
            result.completeExceptionally(t);
        }

        @Override
        public synchronized void onComplete() {
            if (result.isDone()) {
                return;
            }
            // size <= cap <= the budget's total, which MemoramClientConfig keeps below 2 GiB.
            byte[] bytes = new byte[Math.toIntExact(size)];
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

        synchronized void abort(IOException why) {
            parts.clear();
            if (result.completeExceptionally(why)) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
            }
        }

        /** Returns every reserved byte to the budget; later parts are refused. Idempotent. */
        synchronized void releaseAll() {
            if (!released) {
                released = true;
                budget.release(reserved);
                reserved = 0;
            }
        }
    }
}
