package io.memoram.connect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Exchange#cancelAll()} racing with {@link Exchange#send}: a send either is refused before
 * anything is handed to the HTTP client ({@link Exchange.NotSentException}: definitely not sent), or
 * its exchange is registered before close can miss it, so that once {@code cancelAll()} has returned
 * every exchange handed to the client is cancelled and its caller is told it may have reached the server.
 * The exchange runs in the JDK's blocking {@code send}; close and the deadline end it while the
 * headers are awaited by interrupting the caller, an interrupt that must not outlive the call.
 */
class ExchangeCloseRaceTest {
    private StubServer stub;
    private final CountDownLatch releaseReplies = new CountDownLatch(1);
    private final HttpClient real = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() {
        stub = StubServer.start();
        stub.respond(s -> {
            try {
                releaseReplies.await(60, TimeUnit.SECONDS); // the POST stays in flight
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StubServer.Reply.json(201, "{\"id\":\"b1\"}");
        });
    }

    @AfterEach
    void stop() {
        releaseReplies.countDown();
        stub.close();
    }

    private HttpRequest post() {
        return HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/memory-blobs")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }

    @Test
    void closeThatRunsWhileASendIsBeingHandedOverCancelsIt() throws Exception {
        Exchange[] exchange = new Exchange[1];
        Thread[] closer = new Thread[1];
        Hooked http = new Hooked(real, () -> {
            // close() starts on another thread while this send is being handed to the client
            closer[0] = new Thread(() -> exchange[0].cancelAll(), "closer");
            closer[0].start();
            // It either finishes (nothing tells it about this send yet) or waits for the hand-over.
            await().atMost(Duration.ofSeconds(30)).until(() -> closer[0].getState() == Thread.State.TERMINATED
                    || closer[0].getState() == Thread.State.WAITING);
        });
        exchange[0] = new Exchange(http, new ResponseBudget(1 << 20));

        // The server holds its reply for a minute: the call ends at once only because close cancelled it,
        // and the caller is told it may have reached the server.
        assertThatThrownBy(() -> exchange[0].send(post(), Duration.ofSeconds(60), 1 << 20))
                .isInstanceOf(Exchange.ClosedException.class)
                .isNotInstanceOf(Exchange.NotSentException.class);
        closer[0].join(TimeUnit.SECONDS.toMillis(30));
        assertThat(closer[0].isAlive()).isFalse();
        assertThat(http.handedOver.get()).isEqualTo(1);
        assertThat(releaseReplies.getCount()).as("the reply was never released").isEqualTo(1);
        // The interrupt that cancelled the JDK's send was close's, not the caller's: it does not stay behind.
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aCallInFlightWhenCloseRunsEndsAtOnce() throws Exception {
        Exchange exchange = new Exchange(real, new ResponseBudget(1 << 20));
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                exchange.send(post(), Duration.ofSeconds(60), 1 << 20);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, r -> new Thread(r, "caller").start());
        await().atMost(Duration.ofSeconds(30)).until(() -> stub.seen().size() == 1);
        exchange.cancelAll();
        assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(Exchange.ClosedException.class)
                .isNotInstanceOf(Exchange.NotSentException.class);
    }

    @Test
    void aCallWhoseHeadersDoNotComeEndsAtItsDeadlineAndLeavesTheThreadUninterrupted() {
        Exchange exchange = new Exchange(real, new ResponseBudget(1 << 20));
        // The request's own timeout is 60 s: only the exchange's deadline can end this call.
        assertThatThrownBy(() -> exchange.send(post(), Duration.ofMillis(300), 1 << 20))
                .isInstanceOf(java.net.http.HttpTimeoutException.class)
                .hasMessage("no complete response within 300 ms");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        exchange.cancelAll();
    }

    @Test
    void aSendAfterCloseIsNeverHandedToTheClient() {
        Hooked http = new Hooked(real, () -> { });
        Exchange exchange = new Exchange(http, new ResponseBudget(1 << 20));
        exchange.cancelAll();
        assertThatThrownBy(() -> exchange.send(post(), Duration.ofSeconds(60), 1 << 20))
                .isInstanceOf(Exchange.NotSentException.class).hasMessage("not sent: the Memoram client was closed");
        assertThat(http.handedOver.get()).isZero();
        assertThat(stub.seen()).isEmpty();
    }

    /** Delegates to a real client; runs {@code beforeSend} inside every send, before handing over. */
    private static final class Hooked extends HttpClient {
        private final HttpClient delegate;
        private final Runnable beforeSend;
        final AtomicInteger handedOver = new AtomicInteger();

        Hooked(HttpClient delegate, Runnable beforeSend) {
            this.delegate = delegate;
            this.beforeSend = beforeSend;
        }

        @Override
        public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
                throws IOException, InterruptedException {
            beforeSend.run();
            handedOver.incrementAndGet();
            return delegate.send(request, handler);
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                                HttpResponse.PushPromiseHandler<T> push) {
            throw new UnsupportedOperationException();
        }

        @Override public Optional<CookieHandler> cookieHandler() { return delegate.cookieHandler(); }
        @Override public Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }
        @Override public Redirect followRedirects() { return delegate.followRedirects(); }
        @Override public Optional<ProxySelector> proxy() { return delegate.proxy(); }
        @Override public SSLContext sslContext() { return delegate.sslContext(); }
        @Override public SSLParameters sslParameters() { return delegate.sslParameters(); }
        @Override public Optional<Authenticator> authenticator() { return delegate.authenticator(); }
        @Override public Version version() { return delegate.version(); }
        @Override public Optional<Executor> executor() { return delegate.executor(); }
    }
}
