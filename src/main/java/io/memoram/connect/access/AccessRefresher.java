package io.memoram.connect.access;

import io.memoram.connect.util.Threads;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a connector's {@link ConnectorAccess#refresh()} on its own thread: once at start (waiting
 * at most {@link #START_WAIT}, so a connector starts while the API is down, with what it knows),
 * then every {@code memoram.access.check.interval.ms}. A refused API key or memory key fails the
 * connector; anything else is retried at the next interval.
 */
public final class AccessRefresher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessRefresher.class);
    /** How long start waits for the first look at the API before going on with what it knows. */
    public static final Duration START_WAIT = Duration.ofSeconds(10);

    private final ScheduledExecutorService executor;
    private volatile boolean reachable;

    private AccessRefresher(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    /**
     * Refreshes once (bounded wait) and schedules the following refreshes.
     *
     * @param raiseError how a later permanent failure fails the connector ({@code context().raiseError})
     * @throws ConnectException a permanent failure of the first refresh (the caller's start fails with it)
     */
    public static AccessRefresher start(ConnectorAccess access, Duration interval, String threadName,
                                        Consumer<Exception> raiseError) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Threads.withConnectorContext(threadName + "-", "[" + threadName + "] "));
        AccessRefresher refresher = new AccessRefresher(executor);
        Future<?> first = executor.submit(access::refresh);
        try {
            first.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            refresher.reachable = true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectorAccess.PermanentFailure p) {
                refresher.close();
                throw p;
            }
            log.warn("Could not reach the Memoram API at start ({}); starting with what is known and retrying every {} ms",
                    e.getCause().getMessage(), interval.toMillis());
        } catch (TimeoutException e) {
            log.warn("The Memoram API did not answer within {} ms at start; starting with what is known", START_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refresher.close();
            throw new ConnectException("Interrupted while starting", e);
        }
        executor.scheduleWithFixedDelay(() -> refresher.refreshSafely(access, raiseError, interval),
                interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return refresher;
    }

    private void refreshSafely(ConnectorAccess access, Consumer<Exception> raiseError, Duration interval) {
        try {
            access.refresh();
            if (!reachable) {
                log.info("The Memoram API answers again: this connector's access requests are up to date");
            }
            reachable = true;
        } catch (ConnectorAccess.PermanentFailure e) {
            log.error("{}", e.getMessage());
            raiseError.accept(e);
        } catch (RuntimeException e) {
            reachable = false;
            log.warn("Could not check this connector's access requests ({}); trying again in {} ms", e.getMessage(), interval.toMillis());
        }
    }

    /** Whether the last refresh reached the API. */
    public boolean reachable() {
        return reachable;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
