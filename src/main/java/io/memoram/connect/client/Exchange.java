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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
    private final Set<Call> inFlight = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock handOver = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private final ResponseBudget budget;
    /** Ends exchanges at their deadline; one daemon thread per client, idle between deadlines. */
    private final ScheduledThreadPoolExecutor deadlines;

    Exchange(HttpClient http, ResponseBudget budget) {
        this.http = http;
        this.budget = budget;
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "memoram-client-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true); // a call that ended in time leaves nothing queued
        deadlines.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Sends {@code request} and returns the complete response within {@code deadline}. The body may
     * have at most {@code maxBodyBytes} (and never more than the budget's total); the caller closes
     * the reply once it has read the body.
     *
     * <p>The exchange runs on the calling thread with the HTTP client's blocking {@code send}, not
     * {@code sendAsync}: the JDK hands every {@code sendAsync} completion to the default
     * {@code CompletableFuture} executor, which on a worker with two cores or fewer starts a new thread
     * for each call (docs/benchmarks.md, "Third pass: a thread started per call"). The deadline and
     * {@link #cancelAll()} end a call by aborting its body, or, while its response headers are still
     * awaited, by interrupting the calling thread, which makes the JDK cancel the exchange. The
     * deadline is the only one: requests carry no {@code HttpRequest.timeout} of their own.
     *
     * @throws HttpTimeoutException   no complete response within the deadline
     * @throws BodyTooLargeException  the body exceeded {@code maxBodyBytes} or the budget's total
     * @throws BudgetExhaustedException the bodies in flight together would exceed the budget
     * @throws NotSentException      {@link #cancelAll()} ran before: nothing was sent
     * @throws ClosedException        {@link #cancelAll()} ran while the exchange was in flight: it may have reached the server
     * @throws InterruptedException   the calling thread was interrupted (not by this class)
     * @throws IOException            any other failure of the exchange
     */
    Reply send(HttpRequest request, Duration deadline, long maxBodyBytes) throws IOException, InterruptedException {
        Bounded body = new Bounded(Math.min(maxBodyBytes, budget.total()), budget);
        Call call = new Call(Thread.currentThread(), body);
        // The closed check and the registration happen under the read lock and cancelAll() sets closed
        // under the write lock: a send either sees closed (and sends nothing) or is registered before
        // cancelAll() looks, so no exchange goes on after cancelAll() returned.
        handOver.readLock().lock();
        try {
            if (closed) {
                throw new NotSentException();
            }
            inFlight.add(call);
        } finally {
            handOver.readLock().unlock();
        }
        ScheduledFuture<?> timer = null;
        boolean complete = false;
        try {
            timer = deadlines.schedule(() -> call.abort(new HttpTimeoutException("no complete response within "
                    + Saturating.toMillis(deadline) + " ms")), Saturating.toNanos(deadline), TimeUnit.NANOSECONDS);
            HttpResponse<byte[]> response = http.send(request, info -> {
                call.headersArrived();
                return body.announced(info.headers().firstValueAsLong("Content-Length").orElse(-1));
            });
            call.end(); // complete: a deadline or close that came meanwhile came too late to matter
            complete = true;
            return new Reply(response, body);
        } catch (InterruptedException e) {
            IOException ours = call.end();
            if (ours == null) {
                body.abort(new IOException("interrupted"));
                throw e;
            }
            throw ours; // the deadline or cancelAll() ended it
        } catch (IOException e) {
            IOException ours = call.end();
            if (ours != null) {
                throw ours; // the deadline or cancelAll() ended it; what the JDK reports is its consequence
            }
            IOException reason = body.failure();
            throw reason != null ? reason : e; // the body's own refusal (too large, budget), unwrapped
        } catch (RejectedExecutionException e) {
            call.end();
            throw new NotSentException(); // cancelAll() stopped the deadlines between the check and now
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            inFlight.remove(call);
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
        for (Call c : inFlight) {
            c.abort(new ClosedException());
        }
        deadlines.shutdownNow();
    }

    /**
     * One exchange in flight on its calling thread. {@link #abort} (the deadline, or close) cancels the
     * body's subscription, which closes the connection; before the response headers arrived it
     * interrupts the caller instead, which makes the JDK's {@code send} cancel the exchange. The caller
     * {@link #end() ends} the call under the same lock, so no interrupt of ours reaches the thread after
     * it left, and one that arrived is cleared.
     */
    private static final class Call {
        private final Thread thread;
        private final Bounded body;
        private boolean headers;
        private boolean ended;
        private boolean interrupted;
        private IOException reason;

        Call(Thread thread, Bounded body) {
            this.thread = thread;
            this.body = body;
        }

        synchronized void headersArrived() {
            headers = true;
        }

        synchronized void abort(IOException why) {
            if (ended || reason != null || body.delivered()) {
                return; // too late to matter: the response is complete and send() is returning it
            }
            reason = why;
            body.abort(why);
            if (!headers) {
                interrupted = true;
                thread.interrupt();
            }
        }

        /** Called by the calling thread once {@code send} returned or threw; the reason it was aborted, or null. */
        synchronized IOException end() {
            ended = true;
            if (interrupted) {
                Thread.interrupted(); // ours, not the caller's: the thread goes on uninterrupted
            }
            return reason;
        }
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
        private IOException failure;

        Bounded(long cap, ResponseBudget budget) {
            this.cap = cap;
            this.budget = budget;
        }

        /** The response's headers arrived: a {@code Content-Length} over the cap fails it unread. */
        synchronized Bounded announced(long announcedLength) {
            if (announcedLength > cap) {
                BodyTooLargeException tooLarge = new BodyTooLargeException(cap);
                if (result.completeExceptionally(tooLarge)) {
                    failure = tooLarge;
                }
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

        /** The whole body arrived and was handed over. */
        synchronized boolean delivered() {
            return result.isDone() && !result.isCompletedExceptionally();
        }

        /** Why the body was given up (too large, budget spent, deadline, close), or null. */
        synchronized IOException failure() {
            return failure;
        }

        synchronized void abort(IOException why) {
            parts.clear();
            if (result.completeExceptionally(why)) {
                failure = why;
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
